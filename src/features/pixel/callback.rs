//! The pixel feature's buttons (tag `px`). Pages are 0-based; campaign ids
//! are checked against the pressing chat when handled.

use crate::telegram::callback::{encode_unchecked, Callback, CallbackReader, CallbackWriter};

/// A button of the pixel feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PixelCallback {
    /// A page of the chat's campaigns.
    List(u32),
    /// A campaign's card.
    Card(i64),
    /// Send the export CSV.
    Export(i64),
    /// Send the report.
    Report(i64),
    /// Turn live notifications on (`true`) or off.
    Live(i64, bool),
    /// Ask to confirm the delete.
    DeleteAsk(i64),
    /// Delete (confirmed).
    Delete(i64),
}

impl PixelCallback {
    /// The encoded data; every value fits in 64 bytes (the longest, `Live`
    /// with `i64::MIN`, is 21 bytes; a test checks the extremes).
    pub fn data(&self) -> String {
        encode_unchecked(self)
    }
}

impl Callback for PixelCallback {
    const TAG: &'static str = "px";
    const VERSION: u8 = 1;

    fn write(&self, w: &mut CallbackWriter) {
        match *self {
            PixelCallback::List(page) => w.variant("l").u32(page),
            PixelCallback::Card(id) => w.variant("c").i64(id),
            PixelCallback::Export(id) => w.variant("e").i64(id),
            PixelCallback::Report(id) => w.variant("r").i64(id),
            PixelCallback::Live(id, on) => w.variant("n").i64(id).bool(on),
            PixelCallback::DeleteAsk(id) => w.variant("da").i64(id),
            PixelCallback::Delete(id) => w.variant("d").i64(id),
        };
    }

    fn read(r: &mut CallbackReader<'_>) -> Option<Self> {
        Some(match r.variant()? {
            "l" => PixelCallback::List(r.u32()?),
            "c" => PixelCallback::Card(r.i64()?),
            "e" => PixelCallback::Export(r.i64()?),
            "r" => PixelCallback::Report(r.i64()?),
            "n" => PixelCallback::Live(r.i64()?, r.bool()?),
            "da" => PixelCallback::DeleteAsk(r.i64()?),
            "d" => PixelCallback::Delete(r.i64()?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::callback::{decode, MAX_CALLBACK_BYTES};

    #[test]
    fn every_value_round_trips_and_fits() {
        let mut values = vec![PixelCallback::List(0), PixelCallback::List(u32::MAX)];
        for id in [0, 1, -1, i64::MAX, i64::MIN] {
            values.extend([
                PixelCallback::Card(id),
                PixelCallback::Export(id),
                PixelCallback::Report(id),
                PixelCallback::Live(id, true),
                PixelCallback::Live(id, false),
                PixelCallback::DeleteAsk(id),
                PixelCallback::Delete(id),
            ]);
        }
        for value in values {
            let data = value.data();
            assert!(data.len() <= MAX_CALLBACK_BYTES, "{data}");
            assert!(data.starts_with("px1:"), "{data}");
            assert_eq!(decode::<PixelCallback>(&data), Some(value), "{data}");
        }
    }

    #[test]
    fn foreign_and_stale_data_do_not_decode() {
        for data in [
            "px1:zz",
            "px2:c:1",
            "c1:m",
            "px1:c",
            "px1:c:1:2",
            "px1:n:1:2",
            "",
        ] {
            assert_eq!(decode::<PixelCallback>(data), None, "{data}");
        }
    }
}
