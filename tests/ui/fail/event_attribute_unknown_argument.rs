#[eventflow::event(rename = "draft")]
struct Draft {
    text: String,
}

fn main() {}
