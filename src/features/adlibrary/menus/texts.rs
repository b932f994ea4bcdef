//! The strings of the account menus and their dialogues, in English and
//! Russian (the command replies and the card itself are in
//! [`crate::features::adlibrary::texts`]). A test checks both languages use
//! the same placeholders.

use crate::telegram::lang::Lang;

/// Every string of the menus.
pub struct MenuTexts {
    pub btn_add_account: &'static str,
    pub ask_account_name: &'static str,
    pub expects_account_name: &'static str,
    pub bad_account_name: &'static str,
    pub card_schedule: &'static str,
    pub card_more: &'static str,
    pub btn_competitors: &'static str,
    pub btn_reports: &'static str,
    pub btn_emails: &'static str,
    pub btn_country: &'static str,
    pub btn_media: &'static str,
    pub btn_pause: &'static str,
    pub btn_resume: &'static str,
    pub card_paused: &'static str,
    pub paused: &'static str,
    pub resumed: &'static str,
    pub capture_paused: &'static str,
    pub media_screen: &'static str,
    pub media_set: &'static str,
    /// The names of [`crate::features::adlibrary::input::MEDIA_TYPES`], in order.
    pub media_names: [&'static str; 6],
    pub btn_schedule: &'static str,
    pub btn_remove_account: &'static str,
    pub btn_back: &'static str,
    pub account_gone: &'static str,
    pub competitors_title: &'static str,
    pub competitors_empty: &'static str,
    pub btn_add_competitor: &'static str,
    pub confirm_remove_competitor: &'static str,
    pub btn_yes_remove: &'static str,
    pub competitor_not_there: &'static str,
    pub ask_competitor: &'static str,
    pub expects_competitor: &'static str,
    pub nothing_stored: &'static str,
    pub country_taken: &'static str,
    pub emails_screen: &'static str,
    pub expects_emails: &'static str,
    pub btn_clear_emails: &'static str,
    pub emails_empty_input: &'static str,
    pub emails_too_many: &'static str,
    pub unchanged: &'static str,
    pub country_screen: &'static str,
    pub expects_country: &'static str,
    pub schedule_screen: &'static str,
    pub schedule_none: &'static str,
    pub schedule_next: &'static str,
    pub btn_daily: &'static str,
    pub btn_weekly: &'static str,
    pub btn_off: &'static str,
    pub schedule_days: &'static str,
    pub btn_next: &'static str,
    pub schedule_time: &'static str,
    pub expects_time: &'static str,
    pub bad_time: &'static str,
    pub every_day: &'static str,
    pub rule_daily: &'static str,
    pub rule_weekly: &'static str,
    /// Short weekday names, Monday first.
    pub weekdays: [&'static str; 7],
    pub reports_title: &'static str,
    pub reports_empty: &'static str,
    pub report_line: &'static str,
    pub report_failed: &'static str,
    pub report_running: &'static str,
    pub report_expired: &'static str,
    pub status_ok: &'static str,
    pub status_degraded: &'static str,
    pub status_failed: &'static str,
    pub status_running: &'static str,
    pub confirm_remove_account: &'static str,
    pub btn_yes_remove_account: &'static str,
    pub account_removed: &'static str,
}

/// The menu texts of `lang`.
pub fn menu_texts(lang: Lang) -> &'static MenuTexts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

const EN: MenuTexts = MenuTexts {
    btn_add_account: "➕ Add account",
    ask_account_name: "Send the name of the new client account (1 to 64 characters), or /cancel.",
    expects_account_name: "the name of the new account",
    bad_account_name: "The name must be 1 to 64 characters on one line. Send another, or /cancel.",
    card_schedule: "Scheduled reports here: {schedule}",
    card_more: "… and {count} more",
    btn_competitors: "👥 Competitors ({count})",
    btn_reports: "📄 Last reports",
    btn_emails: "✉️ Report e-mails",
    btn_country: "🌍 Country: {country}",
    btn_media: "🎞 Media: {media}",
    btn_pause: "⏸ Pause",
    btn_resume: "▶ Resume",
    card_paused: "⏸ Paused: scheduled captures skip this account; “Capture now” still works.",
    paused: "<b>{account}</b> is paused: scheduled captures skip it until you resume it.",
    resumed: "<b>{account}</b> is active again: scheduled captures run.",
    capture_paused: "<b>{account}</b> is paused for schedules; this capture runs because you asked for it.",
    media_screen: "Media type of <b>{account}</b>: {media}\nThe Ad Library shows only the ads with this kind of media. Choose one.",
    media_set: "Media type of <b>{account}</b>: {media}",
    media_names: ["All media types", "Images", "Videos", "Memes", "Images and memes", "No image or video"],
    btn_schedule: "🗓 Schedule",
    btn_remove_account: "🗑 Remove account",
    btn_back: "‹ Back",
    account_gone: "This account no longer exists.",
    competitors_title: "<b>{account}</b>: competitors ({count}). Press one to remove it.",
    competitors_empty: "<b>{account}</b> has no competitors yet.",
    btn_add_competitor: "➕ Add competitor",
    confirm_remove_competitor: "Remove the competitor {page} from <b>{account}</b>? Its past captures stay in the history.",
    btn_yes_remove: "✖ Remove",
    competitor_not_there: "{page} is not a competitor of <b>{account}</b> any more.",
    ask_competitor: "Send the Ad Library URL of a competitor of <b>{account}</b> (the address of its “All ads” page, with view_all_page_id=…) or its numeric page id, or /cancel.",
    expects_competitor: "an Ad Library URL or page id",
    nothing_stored: "Nothing was saved. Send the right URL or id, or /cancel.",
    country_taken: "The account's country is now {country}, taken from the URL.",
    emails_screen: "Report e-mails of <b>{account}</b>: {emails}\n\nSend the addresses separated by commas or spaces (they replace the current ones), or /cancel.",
    expects_emails: "e-mail addresses",
    btn_clear_emails: "🧹 Clear addresses",
    emails_empty_input: "There is no address in this message.",
    emails_too_many: "At most {max} addresses, please.",
    unchanged: "Nothing was changed. Try again, or /cancel.",
    country_screen: "Country filter of <b>{account}</b>: {country}\nThe Ad Library shows the ads delivered in this country; ALL means every country. Choose one, or send a two-letter code (ISO 3166-1, e.g. SE), or /cancel.",
    expects_country: "a two-letter country code",
    schedule_screen: "Scheduled reports of <b>{account}</b> in this chat: {current}\nTimes are in {timezone} (change it with /timezone).",
    schedule_none: "off",
    schedule_next: "{rule}, next {next}",
    btn_daily: "Daily",
    btn_weekly: "Weekly",
    btn_off: "Off",
    schedule_days: "<b>{account}</b>: on which days? Press the days, then “Next”.",
    btn_next: "Next ›",
    schedule_time: "<b>{account}</b>, {days}: at what time ({timezone})? Press one, or send HH:MM such as 09:30, or /cancel.",
    expects_time: "a time, HH:MM",
    bad_time: "“{value}” is not a time: send HH:MM, such as 09:30.",
    every_day: "every day",
    rule_daily: "daily at {time}",
    rule_weekly: "{days} at {time}",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    reports_title: "<b>{account}</b>: last reports ({count}), times in {timezone}:",
    reports_empty: "<b>{account}</b> has no captures yet. Press “Capture now” on the card.",
    report_line: "{icon} {date} — {status}: {pages} competitors, {ads} ads (new {new}, running {running}, stopped {stopped})",
    report_failed: "❌ {date} — failed: {error}",
    report_running: "⏳ {date} — running",
    report_expired: " · files removed",
    status_ok: "ok",
    status_degraded: "incomplete",
    status_failed: "failed",
    status_running: "running",
    confirm_remove_account: "Remove the account <b>{account}</b> with its {count} competitors, its capture history and its schedules? This cannot be undone.",
    btn_yes_remove_account: "🗑 Remove",
    account_removed: "Account <b>{account}</b> removed.",
};

const RU: MenuTexts = MenuTexts {
    btn_add_account: "➕ Добавить клиента",
    ask_account_name: "Пришлите имя нового клиента (от 1 до 64 символов) или /cancel.",
    expects_account_name: "имя нового клиента",
    bad_account_name: "Имя должно быть от 1 до 64 символов в одну строку. Пришлите другое или /cancel.",
    card_schedule: "Отчёты по расписанию в этот чат: {schedule}",
    card_more: "… и ещё {count}",
    btn_competitors: "👥 Конкуренты ({count})",
    btn_reports: "📄 Последние отчёты",
    btn_emails: "✉️ Адреса для отчётов",
    btn_country: "🌍 Страна: {country}",
    btn_media: "🎞 Медиа: {media}",
    btn_pause: "⏸ Пауза",
    btn_resume: "▶ Возобновить",
    card_paused: "⏸ На паузе: по расписанию этот клиент не снимается; «Снять сейчас» работает.",
    paused: "Клиент <b>{account}</b> на паузе: по расписанию он не снимается, пока вы его не возобновите.",
    resumed: "Клиент <b>{account}</b> снова активен: съёмка по расписанию идёт.",
    capture_paused: "Клиент <b>{account}</b> на паузе для расписания; этот снимок делается, потому что вы его запросили.",
    media_screen: "Тип медиа клиента <b>{account}</b>: {media}\nAd Library показывает только объявления с таким типом медиа. Выберите тип.",
    media_set: "Тип медиа клиента <b>{account}</b>: {media}",
    media_names: ["Все типы медиа", "Изображения", "Видео", "Мемы", "Изображения и мемы", "Без изображений и видео"],
    btn_schedule: "🗓 Расписание",
    btn_remove_account: "🗑 Удалить клиента",
    btn_back: "‹ Назад",
    account_gone: "Этого клиента больше нет.",
    competitors_title: "<b>{account}</b>: конкуренты ({count}). Нажмите на конкурента, чтобы удалить его.",
    competitors_empty: "У клиента <b>{account}</b> пока нет конкурентов.",
    btn_add_competitor: "➕ Добавить конкурента",
    confirm_remove_competitor: "Удалить конкурента {page} у клиента <b>{account}</b>? Прошлые снимки останутся в истории.",
    btn_yes_remove: "✖ Удалить",
    competitor_not_there: "{page} уже не конкурент клиента <b>{account}</b>.",
    ask_competitor: "Пришлите ссылку Ad Library на конкурента клиента <b>{account}</b> (адрес его страницы «Все объявления», с view_all_page_id=…) или числовой id страницы, или /cancel.",
    expects_competitor: "ссылку Ad Library или id страницы",
    nothing_stored: "Ничего не сохранено. Пришлите правильную ссылку или id, или /cancel.",
    country_taken: "Страна клиента теперь {country} — взята из ссылки.",
    emails_screen: "Адреса для отчётов клиента <b>{account}</b>: {emails}\n\nПришлите адреса через запятую или пробел (они заменят текущие) или /cancel.",
    expects_emails: "адреса e-mail",
    btn_clear_emails: "🧹 Убрать адреса",
    emails_empty_input: "В сообщении нет ни одного адреса.",
    emails_too_many: "Не больше {max} адресов.",
    unchanged: "Ничего не изменено. Попробуйте ещё раз или /cancel.",
    country_screen: "Фильтр по стране клиента <b>{account}</b>: {country}\nAd Library показывает объявления, которые показывались в этой стране; ALL — во всех странах. Выберите страну или пришлите двухбуквенный код (ISO 3166-1, например SE), или /cancel.",
    expects_country: "двухбуквенный код страны",
    schedule_screen: "Отчёты клиента <b>{account}</b> по расписанию в этот чат: {current}\nВремя — {timezone} (сменить: /timezone).",
    schedule_none: "выключены",
    schedule_next: "{rule}, следующий {next}",
    btn_daily: "Ежедневно",
    btn_weekly: "Еженедельно",
    btn_off: "Выключить",
    schedule_days: "<b>{account}</b>: по каким дням? Отметьте дни и нажмите «Далее».",
    btn_next: "Далее ›",
    schedule_time: "<b>{account}</b>, {days}: в какое время ({timezone})? Выберите или пришлите ЧЧ:ММ, например 09:30, или /cancel.",
    expects_time: "время ЧЧ:ММ",
    bad_time: "«{value}» — не время: пришлите ЧЧ:ММ, например 09:30.",
    every_day: "каждый день",
    rule_daily: "ежедневно в {time}",
    rule_weekly: "{days} в {time}",
    weekdays: ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
    reports_title: "<b>{account}</b>: последние отчёты ({count}), время {timezone}:",
    reports_empty: "У клиента <b>{account}</b> ещё не было снимков. Нажмите «Снять сейчас» в карточке.",
    report_line: "{icon} {date} — {status}: конкурентов {pages}, объявлений {ads} (новых {new}, продолжают {running}, остановлено {stopped})",
    report_failed: "❌ {date} — ошибка: {error}",
    report_running: "⏳ {date} — идёт съёмка",
    report_expired: " · файлы удалены",
    status_ok: "готово",
    status_degraded: "не полностью",
    status_failed: "ошибка",
    status_running: "идёт съёмка",
    confirm_remove_account: "Удалить клиента <b>{account}</b> вместе с его конкурентами ({count}), историей снимков и расписаниями? Это нельзя отменить.",
    btn_yes_remove_account: "🗑 Удалить",
    account_removed: "Клиент <b>{account}</b> удалён.",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::texts::placeholders;

    macro_rules! pairs {
        ($($f:ident),* $(,)?) => { vec![$((stringify!($f), EN.$f, RU.$f)),*] };
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let all = pairs!(
            btn_add_account,
            ask_account_name,
            expects_account_name,
            bad_account_name,
            card_schedule,
            card_more,
            btn_competitors,
            btn_reports,
            btn_emails,
            btn_country,
            btn_schedule,
            btn_media,
            btn_pause,
            btn_resume,
            card_paused,
            paused,
            resumed,
            capture_paused,
            media_screen,
            media_set,
            btn_remove_account,
            btn_back,
            account_gone,
            competitors_title,
            competitors_empty,
            btn_add_competitor,
            confirm_remove_competitor,
            btn_yes_remove,
            competitor_not_there,
            ask_competitor,
            expects_competitor,
            nothing_stored,
            country_taken,
            emails_screen,
            expects_emails,
            btn_clear_emails,
            emails_empty_input,
            emails_too_many,
            unchanged,
            country_screen,
            expects_country,
            schedule_screen,
            schedule_none,
            schedule_next,
            btn_daily,
            btn_weekly,
            btn_off,
            schedule_days,
            btn_next,
            schedule_time,
            expects_time,
            bad_time,
            every_day,
            rule_daily,
            rule_weekly,
            reports_title,
            reports_empty,
            report_line,
            report_failed,
            report_running,
            report_expired,
            status_ok,
            status_degraded,
            status_failed,
            status_running,
            confirm_remove_account,
            btn_yes_remove_account,
            account_removed,
        );
        for (name, en, ru) in all {
            assert_eq!(placeholders(en), placeholders(ru), "{name}");
            assert!(!en.is_empty() && !ru.is_empty(), "{name}");
            for text in [en, ru] {
                let stripped = text.replace("<b>", "").replace("</b>", "");
                assert!(
                    !stripped.contains(['<', '>']),
                    "{name}: raw HTML in {text:?}"
                );
            }
        }
        let en = EN.weekdays.iter().chain(&EN.media_names);
        for (en, ru) in en.zip(RU.weekdays.iter().chain(&RU.media_names)) {
            assert!(!en.is_empty() && !ru.is_empty());
        }
    }

    /// The feature's command replies and card (in the shared texts module)
    /// are sent as HTML too: the same placeholders and no raw tags.
    #[test]
    fn the_bot_replies_of_the_feature_texts_are_valid_html() {
        use crate::features::adlibrary::texts::texts;
        let (en, ru) = (texts(Lang::En), texts(Lang::Ru));
        macro_rules! bot_pairs {
            ($($f:ident),* $(,)?) => { vec![$((stringify!($f), en.$f, ru.$f)),*] };
        }
        let html = bot_pairs!(
            menu_button,
            accounts_title,
            accounts_empty,
            account_card,
            none,
            never,
            capture_now,
            remove_competitor,
            back,
            account_add_usage,
            account_added,
            account_exists,
            account_unknown,
            competitor_add_usage,
            competitor_added,
            competitor_exists,
            competitor_removed,
            capture_usage,
            capture_queued,
            no_competitors,
            emails_usage,
            bad_email,
            emails_set,
            country_usage,
            country_set,
            schedule_usage,
            schedule_set,
            schedule_off,
        );
        for (name, en, ru) in html {
            assert_eq!(placeholders(en), placeholders(ru), "{name}");
            for text in [en, ru] {
                let stripped = text.replace("<b>", "").replace("</b>", "");
                assert!(
                    !stripped.contains(['<', '>']),
                    "{name}: raw HTML in {text:?}"
                );
            }
        }
        // Command descriptions are plain text (setMyCommands), not HTML.
        let commands = bot_pairs!(
            cmd_accounts,
            cmd_account_add,
            cmd_competitor_add,
            cmd_capture,
            cmd_account_emails,
            cmd_account_country,
            cmd_account_schedule,
        );
        for (name, en, ru) in commands {
            assert!(!en.is_empty() && !ru.is_empty(), "{name}");
        }
    }
}
