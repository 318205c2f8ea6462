use eventflow::prelude::*;

// `StartEvent` alone is `StartEvent<()>`, so `run` takes `()`. rustc's type mismatch is the
// error: it is no trait bound that `#[diagnostic::on_unimplemented]` could explain, and a
// generic `run` to make it one would break inference at `run("text".into())`.
struct Echo;

#[workflow]
impl Echo {
    #[step]
    async fn only(&self, _ev: StartEvent) -> StopEvent<String> {
        StopEvent::new("done".to_owned())
    }
}

fn main() {
    let _ = Runner::new(Echo).run("text");
}
