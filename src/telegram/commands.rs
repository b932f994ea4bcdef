//! Slash commands: parsing, and the lists shown in Telegram's menu.

use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::Requester;
use teloxide::types::{BotCommand, BotCommandScope, ChatId, Recipient};
use teloxide::Bot;

use super::lang::Lang;

/// A parsed `/command args` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// Lower-cased command without the slash and `@botname`.
    pub name: String,
    /// The rest of the message, trimmed.
    pub args: &'a str,
}

/// Parses `/name@bot args`; `None` when the text is not a command.
pub fn parse(text: &str) -> Option<Parsed<'_>> {
    let text = text.trim_start();
    let rest = text.strip_prefix('/')?;
    let (head, args) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    let name = head.split('@').next().unwrap_or_default().to_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(Parsed { name, args })
}

fn command(name: &str, description: &str) -> BotCommand {
    BotCommand::new(name, description)
}

/// Commands every approved user has.
pub fn member_commands(lang: Lang) -> Vec<BotCommand> {
    match lang {
        Lang::En => vec![
            command("menu", "Main menu"),
            command("help", "What I can do"),
            command("language", "English / Russian"),
            command("timezone", "Timezone for schedules"),
            command("cancel", "Leave the current dialogue"),
        ],
        Lang::Ru => vec![
            command("menu", "Главное меню"),
            command("help", "Что я умею"),
            command("language", "Русский / английский"),
            command("timezone", "Часовой пояс для расписаний"),
            command("cancel", "Выйти из диалога"),
        ],
    }
}

/// Commands only administrators have.
pub fn admin_commands(lang: Lang) -> Vec<BotCommand> {
    match lang {
        Lang::En => vec![
            command("users", "Users and access requests"),
            command("grant", "Give access: /grant <id> [admin|member]"),
            command("revoke", "Take access away: /revoke <id>"),
            command("jobs", "Job queue and failures"),
            command("broadcast", "Message every member"),
            command("audit", "Last admin actions"),
        ],
        Lang::Ru => vec![
            command("users", "Пользователи и запросы"),
            command("grant", "Выдать доступ: /grant <id> [admin|member]"),
            command("revoke", "Отозвать доступ: /revoke <id>"),
            command("jobs", "Очередь задач и ошибки"),
            command("broadcast", "Сообщение всем участникам"),
            command("audit", "Последние действия администраторов"),
        ],
    }
}

/// Publishes the command menus: member commands for everyone, member + admin
/// commands in each admin's private chat, in English and Russian.
pub async fn publish(
    bot: &Bot,
    admins: &[i64],
    extra: &(dyn Fn(Lang) -> Vec<BotCommand> + Sync),
) -> anyhow::Result<()> {
    for lang in Lang::ALL {
        let mut members = member_commands(lang);
        members.extend(extra(lang));
        set(bot, members.clone(), None, lang).await?;
        for admin in admins {
            let mut all = members.clone();
            all.extend(admin_commands(lang));
            let scope = BotCommandScope::Chat {
                chat_id: Recipient::Id(ChatId(*admin)),
            };
            set(bot, all, Some(scope), lang).await?;
        }
    }
    Ok(())
}

async fn set(
    bot: &Bot,
    commands: Vec<BotCommand>,
    scope: Option<BotCommandScope>,
    lang: Lang,
) -> anyhow::Result<()> {
    let mut request = bot.set_my_commands(commands);
    if let Some(scope) = scope {
        request = request.scope(scope);
    }
    // English is the default list for every other language too.
    if lang != Lang::En {
        request = request.language_code(lang.code());
    }
    request.await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_with_bot_names_and_arguments() {
        let parsed = parse("/Grant@ppc_bot  123 admin ").expect("command");
        assert_eq!(parsed.name, "grant");
        assert_eq!(parsed.args, "123 admin");
        assert_eq!(parse("/menu").expect("command").args, "");
        assert_eq!(parse("hello"), None);
        assert_eq!(parse("/"), None);
        assert_eq!(parse("/ spaced"), None);
        assert_eq!(parse("/ünï"), None);
    }

    #[test]
    fn command_lists_fit_telegram_limits() {
        for lang in Lang::ALL {
            for c in member_commands(lang)
                .into_iter()
                .chain(admin_commands(lang))
            {
                assert!((1..=32).contains(&c.command.len()));
                assert!(c
                    .command
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_'));
                assert!((1..=256).contains(&c.description.chars().count()));
            }
        }
    }
}
