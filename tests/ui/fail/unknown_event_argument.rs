use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
#[event(rename = "tick")]
struct Tick;

fn main() {}
