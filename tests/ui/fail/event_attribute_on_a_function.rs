#[eventflow::event]
fn draft() -> String {
    String::new()
}

fn main() {}
