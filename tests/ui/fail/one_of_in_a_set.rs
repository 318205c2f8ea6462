use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct A(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct B(u32);
#[derive(Clone, Serialize, Deserialize, Event)]
struct C(u32);

struct Flow;

#[workflow]
impl Flow {
    #[step]
    async fn start(&self, ev: StartEvent<u32>) -> Vec<OneOf![A | B | C]> {
        vec![A(ev.input).into(), B(ev.input).into(), C(ev.input).into()]
    }

    #[step]
    async fn pair(&self, a: A, other: OneOf![B | C]) -> StopEvent<u32> {
        let _ = other;
        StopEvent::new(a.0)
    }
}

fn main() {}
