//! `crate = path` points generated code at a renamed `eventflow`.

extern crate eventflow as ef;

use ef::{Context, Runner, StartEvent, StopEvent};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize, ef::Event)]
#[event(crate = ::ef)]
struct Hop(u8);

#[ef::step(crate = ::ef)]
async fn land(ev: Hop) -> StopEvent<u8> {
    StopEvent::new(ev.0)
}

struct Flight;

#[ef::workflow(crate = ::ef, open, stop = StopEvent<u8>)]
impl Flight {
    #[ef::step]
    async fn take_off(&self, _ctx: &Context, ev: StartEvent<u8>) -> Hop {
        Hop(ev.input)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runner = Runner::builder(Flight).step(LandStep).build().expect("a valid graph");
    assert_eq!(runner.run(9).await.ok(), Some(9));
}
