// `#[event]` derives `Clone` itself.
#[eventflow::event]
#[derive(Clone, Debug)]
struct Draft {
    text: String,
}

fn main() {}
