//! Sizing: one-click ratios, and width and height kept in proportion and in bounds.

use super::FormState;
use krea_api::FieldKind;

/// Ratios offered as one-click sizes for models that take width and height.
pub const SIZE_PRESETS: [(&str, u32, u32); 6] = [
    ("1:1", 1, 1),
    ("4:3", 4, 3),
    ("3:2", 3, 2),
    ("16:9", 16, 9),
    ("2:3", 2, 3),
    ("9:16", 9, 16),
];

impl FormState {
    /// Whether the model is sized by width and height (and so gets ratio presets).
    pub fn takes_size(&self) -> bool {
        let model = self.model();
        model.field("width").is_some() && model.field("height").is_some()
    }

    /// Sets a field as typed; with the size locked, the other side follows the ratio.
    pub fn set_value(&mut self, field: &str, text: String) {
        self.values.insert(field.to_owned(), text);
        let (Some(ratio), Some(new)) = (self.size_lock, self.number(field)) else {
            return;
        };
        let (other, size) = match field {
            "width" => ("height", new * ratio),
            "height" => ("width", new / ratio),
            _ => return,
        };
        let follower = self.fit(other, size);
        self.values.insert(other.to_owned(), follower.to_string());
    }

    /// Locks the current ratio (when both sides are numbers), or unlocks.
    pub fn lock_size(&mut self, locked: bool) {
        self.size_lock = match (locked, self.number("width"), self.number("height")) {
            (true, Some(width), Some(height)) if width > 0.0 && height > 0.0 => {
                Some(height / width)
            }
            _ => None,
        };
    }

    /// Sizes the image to `w:h`, keeping the longer side (1024 when blank) within bounds.
    pub fn apply_ratio(&mut self, w: u32, h: u32) {
        let long = self
            .number("width")
            .into_iter()
            .chain(self.number("height"))
            .fold(0.0, f64::max);
        let long = if long > 0.0 { long } else { 1024.0 };
        let (width, height) = if w >= h {
            (long, long * f64::from(h) / f64::from(w))
        } else {
            (long * f64::from(w) / f64::from(h), long)
        };
        // Shrink both sides together until each fits, so the ratio survives the bounds.
        let scale = [("width", width), ("height", height)]
            .into_iter()
            .map(|(field, side)| f64::from(self.fit(field, f64::MAX)) / side)
            .fold(1.0, f64::min);
        let (width, height) = (
            self.fit("width", width * scale),
            self.fit("height", height * scale),
        );
        self.values.insert("width".into(), width.to_string());
        self.values.insert("height".into(), height.to_string());
        if self.size_lock.is_some() {
            self.lock_size(true);
        }
    }

    fn number(&self, field: &str) -> Option<f64> {
        self.values.get(field)?.trim().parse().ok()
    }

    /// Rounds to a multiple of 8 (what image models work in) within the field's bounds.
    fn fit(&self, field: &str, value: f64) -> u32 {
        let (min, max) = match self.model().field(field).map(|f| f.kind) {
            Some(FieldKind::Number { min, max, .. }) => (min.unwrap_or(8.0), max.unwrap_or(8192.0)),
            _ => (8.0, 8192.0),
        };
        ((value / 8.0).round() * 8.0).clamp(min, max) as u32
    }
}
