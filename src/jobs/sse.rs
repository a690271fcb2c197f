//! Server-Sent Events read from a byte stream (the proxy's `GET /events`), for a client
//! that reads the stream with fetch: `EventSource` cannot send the proxy's session or access
//! key header. Only what the proxy sends matters here: `id`, `event`, `data` fields, blank
//! lines ending an event, `:` comments (keep-alives); lines may end in `\n`, `\r\n` or `\r`,
//! and chunks may split anywhere, even inside a UTF-8 character.

/// One complete event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub id: Option<String>,
    /// `message` when the event names no type.
    pub kind: String,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseReader {
    /// Bytes of a line not yet ended.
    pending: Vec<u8>,
    /// The last `\r` ended a line; a `\n` right after it belongs to the same line end.
    after_cr: bool,
    id: Option<String>,
    kind: Option<String>,
    data: Option<String>,
    /// The id of the last complete event, for `Last-Event-ID` on reconnect.
    pub last_id: Option<String>,
}

impl SseReader {
    /// Reads `chunk` and returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut done = Vec::new();
        for &byte in chunk {
            if self.after_cr {
                self.after_cr = false;
                if byte == b'\n' {
                    continue;
                }
            }
            match byte {
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.pending);
                    if let Some(event) = self.line(&String::from_utf8_lossy(&line)) {
                        done.push(event);
                    }
                }
                _ => self.pending.push(byte),
            }
        }
        done
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let data = self.data.take()?;
            let event = SseEvent {
                id: self.id.clone(),
                kind: self.kind.take().unwrap_or_else(|| "message".to_owned()),
                data,
            };
            if event.id.is_some() {
                self.last_id = event.id.clone();
            }
            return Some(event);
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "id" => self.id = Some(value.to_owned()),
            "event" => self.kind = Some(value.to_owned()),
            "data" => {
                let data = self.data.get_or_insert_with(String::new);
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(value);
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_across_any_split_and_comments_are_skipped() {
        let text = ": keep-alive\n\nid: 1\nevent: job\ndata: {\"job_id\":\"a\"}\n\nid: 2\r\nevent: job\r\ndata: {\"job_id\":\"é\"}\r\n\r\n";
        let whole = SseReader::default().feed(text.as_bytes());
        assert_eq!(whole.len(), 2);
        assert_eq!(
            whole[0],
            SseEvent {
                id: Some("1".into()),
                kind: "job".into(),
                data: "{\"job_id\":\"a\"}".into()
            }
        );
        assert_eq!(whole[1].data, "{\"job_id\":\"é\"}");
        // Byte by byte (splitting the é) gives the same events.
        let mut reader = SseReader::default();
        let mut split = Vec::new();
        for byte in text.as_bytes() {
            split.extend(reader.feed(std::slice::from_ref(byte)));
        }
        assert_eq!(split, whole);
        assert_eq!(reader.last_id.as_deref(), Some("2"));
    }

    #[test]
    fn multi_line_data_joins_and_an_event_without_data_is_nothing() {
        let mut reader = SseReader::default();
        let events = reader.feed(b"data: a\ndata: b\n\nid: 9\n\ndata\n\n");
        assert_eq!(events[0].data, "a\nb");
        assert_eq!(events[0].kind, "message");
        assert_eq!(events[1].data, "");
        assert_eq!(events.len(), 2);
    }
}
