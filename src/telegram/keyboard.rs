//! Inline keyboard builders: buttons from typed callbacks, rows, confirmations
//! and paginated lists.

use std::ops::Range;

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::{encode, Callback, CallbackTooLong};

/// A callback button whose data is `callback`, encoded.
pub fn button<C: Callback>(
    text: impl Into<String>,
    callback: &C,
) -> Result<InlineKeyboardButton, CallbackTooLong> {
    Ok(InlineKeyboardButton::callback(
        text.into(),
        encode(callback)?,
    ))
}

/// A single row with one "back" button.
pub fn back_row(text: impl Into<String>, data: impl Into<String>) -> Vec<InlineKeyboardButton> {
    vec![InlineKeyboardButton::callback(text.into(), data.into())]
}

/// One row: "yes" first, then "no".
pub fn confirm_keyboard(
    yes_text: impl Into<String>,
    yes_data: impl Into<String>,
    no_text: impl Into<String>,
    no_data: impl Into<String>,
) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([[
        InlineKeyboardButton::callback(yes_text.into(), yes_data.into()),
        InlineKeyboardButton::callback(no_text.into(), no_data.into()),
    ]])
}

/// `buttons` laid out `per_row` to a row (the last row may be shorter);
/// `per_row` 0 is taken as 1.
pub fn rows_of(
    buttons: impl IntoIterator<Item = InlineKeyboardButton>,
    per_row: usize,
) -> InlineKeyboardMarkup {
    let per_row = per_row.max(1);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = Vec::new();
    for button in buttons {
        match rows.last_mut() {
            Some(row) if row.len() < per_row => row.push(button),
            _ => rows.push(vec![button]),
        }
    }
    InlineKeyboardMarkup::new(rows)
}

/// The texts and the no-op data of a pager's navigation row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerLabels {
    /// "Previous page" button text, e.g. `‹ Prev`.
    pub prev: String,
    /// "Next page" button text, e.g. `Next ›`.
    pub next: String,
    /// Position label; `{page}` and `{pages}` are replaced (1-based), e.g. `{page}/{pages}`.
    pub position: String,
    /// Callback data of the position label, which does nothing when pressed
    /// (e.g. `CoreCallback::Noop.data()`).
    pub noop_data: String,
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The items' buttons, one per row, then the navigation row if there is
    /// more than one page. Append more rows (e.g. [`back_row`]) as needed.
    pub keyboard: InlineKeyboardMarkup,
    /// The page shown, 0-based (the requested one, clamped).
    pub page: u32,
    /// Number of pages, at least 1 (an empty list has one empty page).
    pub pages: u32,
    /// Indices into `items` of the items on this page.
    pub range: Range<usize>,
}

/// Page `page` (0-based, clamped to the last page) of `items`, `per_page` to a
/// page (0 is taken as 1). Each item becomes one row with the button
/// `item_button` returns as (text, callback data). When there is more than one
/// page, a navigation row follows: `prev` (not on the first page), the
/// position label (no-op) and `next` (not on the last page), whose data comes
/// from `page_callback(target page)`.
pub fn paginate<T>(
    items: &[T],
    page: u32,
    per_page: usize,
    item_button: impl Fn(&T) -> (String, String),
    page_callback: impl Fn(u32) -> String,
    labels: &PagerLabels,
) -> Page {
    let per_page = per_page.max(1);
    // More than u32::MAX pages cannot be addressed by a callback; the tail is unreachable.
    let pages = u32::try_from(items.len().div_ceil(per_page).max(1)).unwrap_or(u32::MAX);
    let page = page.min(pages - 1);
    let start = (page as usize).saturating_mul(per_page).min(items.len());
    let end = start.saturating_add(per_page).min(items.len());

    let mut rows: Vec<Vec<InlineKeyboardButton>> = items[start..end]
        .iter()
        .map(|item| {
            let (text, data) = item_button(item);
            vec![InlineKeyboardButton::callback(text, data)]
        })
        .collect();
    if pages > 1 {
        let mut nav = Vec::with_capacity(3);
        if page > 0 {
            nav.push(InlineKeyboardButton::callback(
                labels.prev.clone(),
                page_callback(page - 1),
            ));
        }
        let position = labels
            .position
            .replace("{pages}", &pages.to_string())
            .replace("{page}", &(u64::from(page) + 1).to_string());
        nav.push(InlineKeyboardButton::callback(
            position,
            labels.noop_data.clone(),
        ));
        if page + 1 < pages {
            nav.push(InlineKeyboardButton::callback(
                labels.next.clone(),
                page_callback(page + 1),
            ));
        }
        rows.push(nav);
    }
    Page {
        keyboard: InlineKeyboardMarkup::new(rows),
        page,
        pages,
        range: start..end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::callback::MAX_CALLBACK_BYTES;
    use crate::telegram::core_callback::CoreCallback;
    use teloxide::types::InlineKeyboardButtonKind;

    fn labels() -> PagerLabels {
        PagerLabels {
            prev: "‹ Prev".into(),
            next: "Next ›".into(),
            position: "{page}/{pages}".into(),
            noop_data: CoreCallback::Noop.data(),
        }
    }

    fn users(n: usize) -> Vec<i64> {
        (0..n as i64).map(|i| i64::MAX - i).collect()
    }

    fn page_of(items: &[i64], page: u32, per_page: usize) -> Page {
        paginate(
            items,
            page,
            per_page,
            |id| (format!("user {id}"), CoreCallback::Approve(*id).data()),
            |p| CoreCallback::UsersPage(p).data(),
            &labels(),
        )
    }

    fn data_of(button: &InlineKeyboardButton) -> &str {
        match &button.kind {
            InlineKeyboardButtonKind::CallbackData(data) => data,
            other => panic!("not a callback button: {other:?}"),
        }
    }

    fn texts(row: &[InlineKeyboardButton]) -> Vec<&str> {
        row.iter().map(|b| b.text.as_str()).collect()
    }

    fn assert_data_fits(page: &Page) {
        for button in page.keyboard.inline_keyboard.iter().flatten() {
            let data = data_of(button);
            assert!(
                !data.is_empty() && data.len() <= MAX_CALLBACK_BYTES,
                "{data}"
            );
        }
    }

    #[test]
    fn no_items_is_one_empty_page_without_navigation() {
        let page = page_of(&[], 3, 5);
        assert_eq!((page.page, page.pages, page.range), (0, 1, 0..0));
        assert!(page.keyboard.inline_keyboard.is_empty());
    }

    #[test]
    fn one_page_has_no_navigation() {
        let items = users(5);
        let page = page_of(&items, 0, 5);
        assert_eq!((page.page, page.pages, page.range.clone()), (0, 1, 0..5));
        assert_eq!(page.keyboard.inline_keyboard.len(), 5);
        assert_eq!(
            data_of(&page.keyboard.inline_keyboard[0][0]),
            CoreCallback::Approve(i64::MAX).data()
        );
        assert_data_fits(&page);
    }

    #[test]
    fn exact_multiple_has_full_last_page_and_no_next() {
        let items = users(10);
        let first = page_of(&items, 0, 5);
        assert_eq!((first.pages, first.range.clone()), (2, 0..5));
        let nav = &first.keyboard.inline_keyboard[5];
        assert_eq!(texts(nav), ["1/2", "Next ›"]);
        assert_eq!(data_of(&nav[0]), CoreCallback::Noop.data());
        assert_eq!(data_of(&nav[1]), CoreCallback::UsersPage(1).data());

        let last = page_of(&items, 1, 5);
        assert_eq!((last.page, last.range.clone()), (1, 5..10));
        assert_eq!(texts(&last.keyboard.inline_keyboard[5]), ["‹ Prev", "2/2"]);
    }

    #[test]
    fn a_page_beyond_the_end_clamps_to_the_last() {
        let items = users(11);
        let page = page_of(&items, u32::MAX, 5);
        assert_eq!((page.page, page.pages, page.range.clone()), (2, 3, 10..11));
        let nav = &page.keyboard.inline_keyboard[1];
        assert_eq!(texts(nav), ["‹ Prev", "3/3"]);
        assert_eq!(data_of(&nav[0]), CoreCallback::UsersPage(1).data());
    }

    #[test]
    fn ten_thousand_items_page_through_every_item_once() {
        let items = users(10_000);
        let mut seen = 0;
        for p in 0..1_000 {
            let page = page_of(&items, p, 10);
            assert_eq!((page.page, page.pages), (p, 1_000));
            assert_eq!(page.range, seen..seen + 10);
            seen = page.range.end;
            let nav = page
                .keyboard
                .inline_keyboard
                .last()
                .expect("navigation row");
            assert_eq!(nav.len(), if p == 0 || p == 999 { 2 } else { 3 });
            assert_data_fits(&page);
        }
        assert_eq!(seen, 10_000);
        let middle = page_of(&items, 499, 10);
        let nav = middle
            .keyboard
            .inline_keyboard
            .last()
            .expect("navigation row");
        assert_eq!(texts(nav), ["‹ Prev", "500/1000", "Next ›"]);
    }

    #[test]
    fn zero_per_page_is_one_per_page() {
        let page = page_of(&users(3), 1, 0);
        assert_eq!((page.page, page.pages, page.range), (1, 3, 1..2));
    }

    #[test]
    fn rows_confirm_and_back() {
        let buttons = (0..7).map(|i| InlineKeyboardButton::callback(i.to_string(), "c1:n"));
        let lens: Vec<usize> = rows_of(buttons, 3)
            .inline_keyboard
            .iter()
            .map(Vec::len)
            .collect();
        assert_eq!(lens, [3, 3, 1]);
        assert!(rows_of(Vec::new(), 0).inline_keyboard.is_empty());

        let yes = CoreCallback::Confirm { action: u32::MAX }.data();
        let keyboard = confirm_keyboard("Yes", yes.clone(), "No", CoreCallback::Cancel.data());
        assert_eq!(keyboard.inline_keyboard.len(), 1);
        assert_eq!(texts(&keyboard.inline_keyboard[0]), ["Yes", "No"]);
        assert_eq!(data_of(&keyboard.inline_keyboard[0][0]), yes);

        let back = back_row("‹ Back", CoreCallback::MainMenu.data());
        assert_eq!((back.len(), data_of(&back[0])), (1, "c1:m"));
        let typed = button("Menu", &CoreCallback::MainMenu).expect("fits");
        assert_eq!(data_of(&typed), "c1:m");
    }
}
