use eventflow::prelude::*;

mod a {
    use eventflow::prelude::*;
    #[derive(Clone, Serialize, Deserialize, Event)]
    pub struct Tick;
}

mod b {
    use eventflow::prelude::*;
    #[derive(Clone, Serialize, Deserialize, Event)]
    pub struct Tick(pub u8);
}

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, _ev: StartEvent) -> OneOf![a::Tick | b::Tick] {
        a::Tick.into()
    }
}

fn main() {}
