//! The feature's user-facing strings (chat, e-mail, PDF), in English and
//! Russian. Placeholders are `{name}`, filled with
//! [`crate::telegram::texts::fill`]; a test checks both languages use the
//! same placeholders.

use crate::telegram::lang::Lang;

/// Every string of the feature.
pub struct Texts {
    pub report_title: &'static str,
    pub report_account: &'static str,
    pub report_generated: &'static str,
    pub report_part: &'static str,
    pub report_counts: &'static str,
    pub report_competitors: &'static str,
    pub report_competitor_line: &'static str,
    pub report_degraded_title: &'static str,
    pub report_degraded_line: &'static str,
    pub report_failed_line: &'static str,
    pub report_stopped_title: &'static str,
    pub report_truncated: &'static str,
    pub report_continued: &'static str,
    pub report_library_id: &'static str,
    pub report_new: &'static str,
    pub report_started: &'static str,
    pub report_days: &'static str,
    pub report_no_screenshot: &'static str,
    pub input_empty: &'static str,
    pub input_profile_url: &'static str,
    pub input_other_site: &'static str,
    pub input_no_page_id: &'static str,
    pub input_single_ad: &'static str,
    pub input_bad_id: &'static str,
    pub input_bad_country: &'static str,
    pub input_not_recognised: &'static str,
    pub input_where: &'static str,
    pub progress: &'static str,
    pub progress_degraded: &'static str,
    pub progress_start: &'static str,
    pub progress_done: &'static str,
    pub progress_failed: &'static str,
    pub caption: &'static str,
    pub caption_degraded: &'static str,
    pub caption_part: &'static str,
    pub capture_failed: &'static str,
    pub email_subject: &'static str,
    pub menu_button: &'static str,
    pub cmd_accounts: &'static str,
    pub cmd_account_add: &'static str,
    pub cmd_competitor_add: &'static str,
    pub cmd_capture: &'static str,
    pub cmd_account_emails: &'static str,
    pub cmd_account_country: &'static str,
    pub cmd_account_schedule: &'static str,
    pub accounts_title: &'static str,
    pub accounts_empty: &'static str,
    pub account_card: &'static str,
    pub none: &'static str,
    pub never: &'static str,
    pub capture_now: &'static str,
    pub remove_competitor: &'static str,
    pub back: &'static str,
    pub account_add_usage: &'static str,
    pub account_added: &'static str,
    pub account_exists: &'static str,
    pub account_unknown: &'static str,
    pub competitor_add_usage: &'static str,
    pub competitor_added: &'static str,
    pub competitor_exists: &'static str,
    pub competitor_removed: &'static str,
    pub capture_usage: &'static str,
    pub capture_queued: &'static str,
    pub no_competitors: &'static str,
    pub emails_usage: &'static str,
    pub bad_email: &'static str,
    pub emails_set: &'static str,
    pub country_usage: &'static str,
    pub country_set: &'static str,
    pub schedule_usage: &'static str,
    pub schedule_set: &'static str,
    pub schedule_off: &'static str,
}

/// The texts of `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

/// The explanation for a rejected competitor input, with where to find the
/// right URL.
pub fn explain(lang: Lang, error: &super::input::InputError) -> String {
    use super::input::InputError::*;
    use crate::telegram::texts::fill;
    let t = texts(lang);
    let what = match error {
        Empty => t.input_empty.to_string(),
        ProfileUrl => t.input_profile_url.to_string(),
        OtherSite(host) => fill(t.input_other_site, &[("host", host)]),
        NoPageId => t.input_no_page_id.to_string(),
        SingleAd => t.input_single_ad.to_string(),
        BadPageId(id) => fill(t.input_bad_id, &[("id", id)]),
        BadCountry(c) => fill(t.input_bad_country, &[("country", c)]),
        NotRecognised => t.input_not_recognised.to_string(),
    };
    format!("{what}\n\n{}", t.input_where)
}

const EN: Texts = Texts {
    report_title: "Competitor ads — Meta Ad Library",
    report_account: "Account: {account}",
    report_generated: "Generated: {date}",
    report_part: "Part {part} of {parts}",
    report_counts: "New: {new} · Still running: {running} · Stopped: {stopped}",
    report_competitors: "Competitors",
    report_competitor_line: "{name}: {ads} ads — new {new}, running {running}, stopped {stopped}",
    report_degraded_title: "Pages that could not be read completely",
    report_degraded_line: "{name}: {reason}",
    report_failed_line: "{name}: failed — {reason}",
    report_stopped_title: "Stopped since the last report:",
    report_truncated: "Only the first {ads} ads were captured (limit reached).",
    report_continued: "(continued)",
    report_library_id: "Library ID: {id}",
    report_new: "NEW",
    report_started: "Started running on {date}",
    report_days: "{days} days running",
    report_no_screenshot: "No screenshot could be taken of this ad.",
    input_empty: "Send an Ad Library URL or a page id.",
    input_profile_url: "This is a Facebook page URL, not an Ad Library URL. Its id is often not the one the Ad Library uses.",
    input_other_site: "This is a URL of {host}, not of the Meta Ad Library.",
    input_no_page_id: "This Ad Library URL is a keyword search: it has no view_all_page_id.",
    input_single_ad: "This Ad Library URL shows one ad, not all ads of a page.",
    input_bad_id: "“{id}” is not a page id: it must be 5 to 20 digits.",
    input_bad_country: "“{country}” is not a country: use a two-letter code such as DE, or ALL.",
    input_not_recognised: "This is neither an Ad Library URL nor a page id.",
    input_where: "Open facebook.com/ads/library, search for the competitor, choose its page from the suggestions (“All ads from …”) and paste the address from the browser; it contains view_all_page_id=…. A bare numeric page id works too.",
    progress: "{account}: competitor {done}/{total} — {ads} ads",
    progress_degraded: "{account}: competitor {done}/{total} — not read completely: {reason}",
    progress_start: "{account}: capturing {total} competitors…",
    progress_done: "{account}: all {pages} competitors done — {ads} ads; the report follows.",
    progress_failed: "{account}: the capture stopped; the reason follows.",
    caption: "{account}: Ad Library report\nNew: {new} · Still running: {running} · Stopped: {stopped}",
    caption_degraded: "⚠ {page}: {reason}",
    caption_part: "{account}: report part {part} of {parts}",
    capture_failed: "The capture of {account} failed: {error}",
    email_subject: "Ad Library report: {account} ({date})",
    menu_button: "📚 Ad Library",
    cmd_accounts: "client accounts for competitor ads",
    cmd_account_add: "<name> — add a client account",
    cmd_competitor_add: "<account> <Ad Library URL or page id> — add a competitor",
    cmd_capture: "<account> — capture competitor ads now",
    cmd_account_emails: "<account> <e-mails> — report addresses (- for none)",
    cmd_account_country: "<account> <DE|ALL…> — country filter",
    cmd_account_schedule: "<account> daily HH:MM | weekly mon,thu HH:MM | off",
    accounts_title: "Client accounts ({count}):",
    accounts_empty: "No client accounts yet. Add one with /account_add &lt;name&gt;.",
    account_card: "<b>{name}</b>\nCountry: {country}\nMedia type: {media}\nReport e-mails: {emails}\nCompetitors ({count}):\n{competitors}\nLast capture: {last}",
    none: "—",
    never: "never",
    capture_now: "📸 Capture now",
    remove_competitor: "✖ {page}",
    back: "‹ Accounts",
    account_add_usage: "Usage: /account_add &lt;name&gt; (1 to 64 characters).",
    account_added: "Account <b>{name}</b> added. Add competitors with /competitor_add {name} &lt;Ad Library URL&gt;.",
    account_exists: "An account named <b>{name}</b> exists already.",
    account_unknown: "There is no account “{name}”. /accounts lists them.",
    competitor_add_usage: "Usage: /competitor_add &lt;account name&gt; &lt;Ad Library URL or page id&gt;",
    competitor_added: "Competitor {page} added to <b>{account}</b>.",
    competitor_exists: "{page} is a competitor of <b>{account}</b> already.",
    competitor_removed: "Competitor {page} removed.",
    capture_usage: "Usage: /capture &lt;account name&gt;",
    capture_queued: "Capturing the ads of {count} competitors of <b>{account}</b>… The report will follow here.",
    no_competitors: "<b>{account}</b> has no competitors yet: /competitor_add {account} &lt;Ad Library URL&gt;",
    emails_usage: "Usage: /account_emails &lt;account&gt; &lt;e-mail&gt;[,&lt;e-mail&gt;…] (or - for none)",
    bad_email: "“{value}” is not an e-mail address.",
    emails_set: "Report e-mails of <b>{account}</b>: {emails}",
    country_usage: "Usage: /account_country &lt;account&gt; &lt;two-letter code or ALL&gt;",
    country_set: "Country of <b>{account}</b>: {country}",
    schedule_usage: "Usage: /account_schedule &lt;account&gt; daily 09:00 | weekly mon,thu 09:00 | off (times in your /timezone)",
    schedule_set: "Reports of <b>{account}</b>: {rule} ({timezone}); next {next}.",
    schedule_off: "Scheduled reports of <b>{account}</b> are off.",
};

const RU: Texts = Texts {
    report_title: "Реклама конкурентов — Meta Ad Library",
    report_account: "Клиент: {account}",
    report_generated: "Сформирован: {date}",
    report_part: "Часть {part} из {parts}",
    report_counts: "Новые: {new} · Продолжают: {running} · Остановлены: {stopped}",
    report_competitors: "Конкуренты",
    report_competitor_line: "{name}: объявлений {ads} — новых {new}, продолжают {running}, остановлено {stopped}",
    report_degraded_title: "Страницы, которые не удалось прочитать полностью",
    report_degraded_line: "{name}: {reason}",
    report_failed_line: "{name}: ошибка — {reason}",
    report_stopped_title: "Остановлены после прошлого отчёта:",
    report_truncated: "Сняты только первые {ads} объявлений (достигнут лимит).",
    report_continued: "(продолжение)",
    report_library_id: "ID в библиотеке: {id}",
    report_new: "НОВОЕ",
    report_started: "Показ с {date}",
    report_days: "{days} дн. в показе",
    report_no_screenshot: "Снимок этого объявления сделать не удалось.",
    input_empty: "Пришлите ссылку на Ad Library или id страницы.",
    input_profile_url: "Это ссылка на страницу Facebook, а не на Ad Library. Её id часто не совпадает с тем, что использует Ad Library.",
    input_other_site: "Это ссылка на {host}, а не на Meta Ad Library.",
    input_no_page_id: "Это ссылка на поиск по словам в Ad Library: в ней нет view_all_page_id.",
    input_single_ad: "Эта ссылка Ad Library ведёт на одно объявление, а не на все объявления страницы.",
    input_bad_id: "«{id}» — не id страницы: нужно от 5 до 20 цифр.",
    input_bad_country: "«{country}» — не страна: укажите двухбуквенный код, например DE, или ALL.",
    input_not_recognised: "Это не ссылка на Ad Library и не id страницы.",
    input_where: "Откройте facebook.com/ads/library, найдите конкурента, выберите его страницу в подсказках («Все объявления …») и скопируйте адрес из браузера: в нём есть view_all_page_id=…. Можно прислать и просто числовой id страницы.",
    progress: "{account}: конкурент {done}/{total} — объявлений: {ads}",
    progress_degraded: "{account}: конкурент {done}/{total} — прочитан не полностью: {reason}",
    progress_start: "{account}: снимаю объявления конкурентов ({total})…",
    progress_done: "{account}: готово, конкурентов: {pages}, объявлений: {ads}; отчёт ниже.",
    progress_failed: "{account}: съёмка остановлена; причина ниже.",
    caption: "{account}: отчёт Ad Library\nНовые: {new} · Продолжают: {running} · Остановлены: {stopped}",
    caption_degraded: "⚠ {page}: {reason}",
    caption_part: "{account}: часть отчёта {part} из {parts}",
    capture_failed: "Не удалось снять объявления для {account}: {error}",
    email_subject: "Отчёт Ad Library: {account} ({date})",
    menu_button: "📚 Ad Library",
    cmd_accounts: "клиенты для мониторинга конкурентов",
    cmd_account_add: "<имя> — добавить клиента",
    cmd_competitor_add: "<клиент> <ссылка Ad Library или id> — добавить конкурента",
    cmd_capture: "<клиент> — снять объявления конкурентов сейчас",
    cmd_account_emails: "<клиент> <адреса> — адреса для отчётов (- чтобы убрать)",
    cmd_account_country: "<клиент> <DE|ALL…> — фильтр по стране",
    cmd_account_schedule: "<клиент> daily HH:MM | weekly mon,thu HH:MM | off",
    accounts_title: "Клиенты ({count}):",
    accounts_empty: "Клиентов пока нет. Добавьте: /account_add &lt;имя&gt;.",
    account_card: "<b>{name}</b>\nСтрана: {country}\nТип медиа: {media}\nАдреса для отчётов: {emails}\nКонкуренты ({count}):\n{competitors}\nПоследний снимок: {last}",
    none: "—",
    never: "не было",
    capture_now: "📸 Снять сейчас",
    remove_competitor: "✖ {page}",
    back: "‹ Клиенты",
    account_add_usage: "Формат: /account_add &lt;имя&gt; (от 1 до 64 символов).",
    account_added: "Клиент <b>{name}</b> добавлен. Добавьте конкурентов: /competitor_add {name} &lt;ссылка Ad Library&gt;.",
    account_exists: "Клиент <b>{name}</b> уже есть.",
    account_unknown: "Клиента «{name}» нет. Список: /accounts.",
    competitor_add_usage: "Формат: /competitor_add &lt;имя клиента&gt; &lt;ссылка Ad Library или id страницы&gt;",
    competitor_added: "Конкурент {page} добавлен клиенту <b>{account}</b>.",
    competitor_exists: "{page} уже есть у клиента <b>{account}</b>.",
    competitor_removed: "Конкурент {page} удалён.",
    capture_usage: "Формат: /capture &lt;имя клиента&gt;",
    capture_queued: "Снимаю объявления {count} конкурентов клиента <b>{account}</b>… Отчёт придёт сюда.",
    no_competitors: "У клиента <b>{account}</b> нет конкурентов: /competitor_add {account} &lt;ссылка Ad Library&gt;",
    emails_usage: "Формат: /account_emails &lt;клиент&gt; &lt;адрес&gt;[,&lt;адрес&gt;…] (или - чтобы убрать)",
    bad_email: "«{value}» — не адрес e-mail.",
    emails_set: "Адреса для отчётов клиента <b>{account}</b>: {emails}",
    country_usage: "Формат: /account_country &lt;клиент&gt; &lt;двухбуквенный код или ALL&gt;",
    country_set: "Страна клиента <b>{account}</b>: {country}",
    schedule_usage: "Формат: /account_schedule &lt;клиент&gt; daily 09:00 | weekly mon,thu 09:00 | off (время по вашему /timezone)",
    schedule_set: "Отчёты клиента <b>{account}</b>: {rule} ({timezone}); следующий {next}.",
    schedule_off: "Отчёты клиента <b>{account}</b> по расписанию выключены.",
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
            report_title,
            report_account,
            report_generated,
            report_part,
            report_counts,
            report_competitors,
            report_competitor_line,
            report_degraded_title,
            report_degraded_line,
            report_failed_line,
            report_stopped_title,
            report_truncated,
            report_continued,
            report_library_id,
            report_new,
            report_started,
            report_days,
            report_no_screenshot,
            progress,
            progress_degraded,
            progress_start,
            progress_done,
            progress_failed,
            input_empty,
            input_profile_url,
            input_other_site,
            input_no_page_id,
            input_single_ad,
            input_bad_id,
            input_bad_country,
            input_not_recognised,
            input_where,
        );
        for (name, en, ru) in all {
            assert_eq!(placeholders(en), placeholders(ru), "{name}");
            assert!(!en.is_empty() && !ru.is_empty(), "{name}");
        }
    }

    #[test]
    fn explanations_say_where_to_find_the_url() {
        use crate::features::adlibrary::input::parse_competitor;
        for lang in Lang::ALL {
            let e = parse_competitor("https://www.facebook.com/nike").unwrap_err();
            let text = explain(lang, &e);
            assert!(text.contains("view_all_page_id"), "{text}");
        }
        let e = parse_competitor("https://example.org/x").unwrap_err();
        assert!(explain(Lang::En, &e).contains("example.org"));
    }
}
