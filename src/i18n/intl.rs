//! The browser's `Intl.NumberFormat` behind [`Formatter`], so numbers and prices read as the
//! person's locale writes them.

use super::{Formatter, Locale};
use js_sys::{Array, Function, Intl, Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

thread_local! {
    /// Each locale's formatters, built the first time they are asked for: building an
    /// `Intl.NumberFormat` costs far more than using one, and every card and model option
    /// formats numbers.
    static BUILT: RefCell<Vec<(Locale, Rc<IntlFormat>)>> = const { RefCell::new(Vec::new()) };
}

pub struct IntlFormat {
    number: Function,
    usd: Function,
}

impl IntlFormat {
    /// The formatters for `locale`, built once per page.
    pub fn of(locale: Locale) -> Rc<IntlFormat> {
        BUILT.with(|built| {
            if let Some((_, format)) = built.borrow().iter().find(|(l, _)| *l == locale) {
                return Rc::clone(format);
            }
            let format = Rc::new(IntlFormat::build(locale));
            built.borrow_mut().push((locale, Rc::clone(&format)));
            format
        })
    }

    fn build(locale: Locale) -> IntlFormat {
        let locales = Array::of1(&JsValue::from_str(locale.tag()));
        let make = |pairs: &[(&str, JsValue)]| {
            let options = Object::new();
            for (key, value) in pairs {
                let _ = Reflect::set(&options, &JsValue::from_str(key), value);
            }
            Intl::NumberFormat::new(&locales, &options).format()
        };
        IntlFormat {
            number: make(&[("maximumFractionDigits", 2.into())]),
            usd: make(&[
                ("style", "currency".into()),
                ("currency", "USD".into()),
                ("minimumFractionDigits", 2.into()),
                ("maximumFractionDigits", 3.into()),
            ]),
        }
    }

    fn apply(function: &Function, value: f64) -> String {
        function
            .call1(&JsValue::NULL, &JsValue::from_f64(value))
            .ok()
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| value.to_string())
    }
}

impl Formatter for IntlFormat {
    fn number(&self, value: f64) -> String {
        IntlFormat::apply(&self.number, value)
    }

    fn usd(&self, value: f64) -> String {
        IntlFormat::apply(&self.usd, value)
    }
}
