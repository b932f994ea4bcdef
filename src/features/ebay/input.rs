//! Typed values of the alert dialogues: checked and applied to a copy of the
//! alert, or refused with the message to show (nothing changes).

use rust_decimal::Decimal;

use super::callback::Field;
use super::filters::{self, FilterError, BUYING_OPTIONS, CONDITIONS, CURRENCIES};
use super::store::Alert;
use super::texts::texts;
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

/// Applies typed `input` for `field` to a copy of `alert`; the error is the
/// message to show (nothing is changed).
pub fn apply_field(lang: Lang, alert: &Alert, field: Field, input: &str) -> Result<Alert, String> {
    let t = texts(lang);
    let input = input.trim();
    let value = html(input);
    let refuse = |template: &str| fill(template, &[("value", &value)]);
    let filter_error = |error: FilterError| match error {
        FilterError::MinAboveMax => t.min_above_max.to_string(),
        FilterError::UnknownCurrency(code) => fill(
            t.unknown_currency,
            &[("value", &html(&code)), ("list", &CURRENCIES.join(", "))],
        ),
        FilterError::BadPrice(_) => refuse(t.bad_price),
        _ => refuse(t.unknown_value),
    };
    let mut next = alert.clone();
    let f = &mut next.filters;
    match field {
        Field::Price if input == "-" => (f.min_price, f.max_price, f.currency) = (None, None, None),
        Field::Price => {
            let (min, max, currency) = filters::parse_price_range(input).map_err(filter_error)?;
            (f.min_price, f.max_price, f.currency) = (min, max, Some(currency));
        }
        Field::Conditions => {
            f.conditions = filters::parse_codes(input, &CONDITIONS).map_err(filter_error)?
        }
        Field::Buying => {
            f.buying_options = filters::parse_codes(input, &BUYING_OPTIONS).map_err(filter_error)?
        }
        Field::Country => f.country = filters::parse_country(input).map_err(filter_error)?,
        Field::Exclude => f.exclude = filters::parse_exclude(if input == "-" { "" } else { input }),
        Field::Target if input == "-" => next.rules.target = None,
        Field::Target => match input.replace(',', ".").parse::<Decimal>() {
            Ok(price) if price > Decimal::ZERO => next.rules.target = Some(price),
            _ => return Err(refuse(t.bad_target)),
        },
        Field::Drop if input == "-" => next.rules.drop_percent = None,
        Field::Drop => match input
            .trim_end_matches('%')
            .replace(',', ".")
            .parse::<Decimal>()
        {
            Ok(p) if p >= Decimal::ONE && p <= Decimal::from(99) => {
                next.rules.drop_percent = Some(p)
            }
            _ => return Err(refuse(t.bad_percent)),
        },
        Field::Email if input == "-" => next.email = None,
        Field::Email => {
            let valid = input.len() <= 254
                && input
                    .parse::<lettre::Address>()
                    .is_ok_and(|a| a.domain().contains('.'));
            if !valid {
                return Err(refuse(t.bad_email));
            }
            next.email = Some(input.to_string());
        }
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::ebay::store::Rules;

    fn alert() -> Alert {
        Alert {
            id: 1,
            chat_id: 1,
            phrase: "x".into(),
            filters: Default::default(),
            marketplace: "EBAY_US".into(),
            query_key: "k".into(),
            interval_minutes: 10,
            rules: Rules::default(),
            email: None,
            active: true,
            last_polled_at: None,
            insights_half_hourly: false,
        }
    }

    #[test]
    fn typed_values_are_checked() {
        let a = alert();
        let en = Lang::En;
        assert!(apply_field(en, &a, Field::Price, "50 10 USD")
            .unwrap_err()
            .contains("above the maximum"));
        assert!(apply_field(en, &a, Field::Price, "1 2 ZZZ")
            .unwrap_err()
            .contains("Unknown currency"));
        assert!(apply_field(en, &a, Field::Email, "not-an-email")
            .unwrap_err()
            .contains("e-mail"));
        assert!(apply_field(en, &a, Field::Email, "a@localhost").is_err());
        assert!(apply_field(en, &a, Field::Drop, "150").is_err());
        assert!(apply_field(en, &a, Field::Target, "-5").is_err());
        assert!(apply_field(en, &a, Field::Conditions, "mint").is_err());
        let ok = apply_field(en, &a, Field::Price, "10 50 eur").unwrap();
        assert_eq!(ok.filters.currency.as_deref(), Some("EUR"));
        let cleared = apply_field(en, &ok, Field::Price, "-").unwrap();
        assert_eq!(cleared.filters, Default::default());
        let mail = apply_field(en, &a, Field::Email, "buyer@example.com").unwrap();
        assert_eq!(mail.email.as_deref(), Some("buyer@example.com"));
        assert_eq!(
            apply_field(en, &a, Field::Drop, "12.5%")
                .unwrap()
                .rules
                .drop_percent,
            Some(Decimal::new(125, 1))
        );
    }
}
