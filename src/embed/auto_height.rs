//! How tall the frame should be. The studio reports its content's height; the loader sizes
//! the frame to it. Content sized by the viewport (`100vh`, `height: 100%`) would then grow
//! with every report, forever: a report is held back when the content grew by exactly what
//! the frame grew since the last one, which is the viewport feeding back, not new content.

#[derive(Debug, Default, Clone)]
pub struct AutoHeight {
    /// The last height reported, and the viewport height when it was.
    last: Option<(u32, u32)>,
}

impl AutoHeight {
    /// The height to report for `content` pixels of content in a `viewport` pixels tall
    /// frame, or `None` when there is nothing new to say.
    pub fn observe(&mut self, content: u32, viewport: u32) -> Option<u32> {
        if let Some((reported, seen_viewport)) = self.last {
            if content == reported {
                return None;
            }
            let grown = content.checked_sub(reported);
            let frame_grown = viewport.checked_sub(seen_viewport);
            if viewport != seen_viewport && grown.is_some() && grown == frame_grown {
                return None;
            }
        }
        self.last = Some((content, viewport));
        Some(content)
    }
}

#[cfg(test)]
mod tests {
    use super::AutoHeight;

    #[test]
    fn heights_follow_content_and_repeats_say_nothing() {
        let mut height = AutoHeight::default();
        assert_eq!(height.observe(600, 150), Some(600));
        assert_eq!(height.observe(600, 600), None);
        assert_eq!(height.observe(900, 600), Some(900));
        assert_eq!(height.observe(700, 900), Some(700));
    }

    #[test]
    fn content_that_follows_the_viewport_does_not_grow_forever() {
        let mut height = AutoHeight::default();
        // 400 px of content plus a 100vh child in a 150 px frame.
        assert_eq!(height.observe(550, 150), Some(550));
        // The frame became 550 tall, so the child did too: the content is 950.
        assert_eq!(height.observe(950, 550), None);
        // Real content still counts.
        assert_eq!(height.observe(1000, 550), Some(1000));
    }
}
