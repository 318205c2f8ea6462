//! The README's first example, as a new user's crate builds it: with only `eventflow` and
//! `tokio` as dependencies. The test suite builds and runs it.

use eventflow::prelude::*;

#[eventflow::event]
struct Draft {
    text: String,
}

struct Writer;

#[workflow]
impl Writer {
    #[step]
    async fn write(&self, ev: StartEvent<String>) -> Draft {
        Draft {
            text: format!("A story about {}", ev.input),
        }
    }

    #[step]
    async fn review(&self, ev: Draft) -> OneOf![Draft | StopEvent<String>] {
        if ev.text.ends_with('.') {
            StopEvent::new(ev.text).into()
        } else {
            Draft {
                text: ev.text + ".",
            }
            .into()
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), WorkflowError> {
    let story = Runner::new(Writer).run("a crab".to_string()).await?;
    println!("{story}"); // A story about a crab.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_story_is_written_and_reviewed() {
        let story = Runner::new(Writer).run("a crab".to_string()).await;
        assert_eq!(story.ok().as_deref(), Some("A story about a crab."));
    }

    #[test]
    fn the_event_deserializes_without_a_serde_dependency() {
        let draft = eventflow::event::EventType::of::<Draft>().decode_json(br#"{"text":"hi"}"#);
        let text = draft
            .ok()
            .and_then(|d| d.downcast::<Draft>().ok())
            .map(|d| d.text);
        assert_eq!(text.as_deref(), Some("hi"));
    }
}
