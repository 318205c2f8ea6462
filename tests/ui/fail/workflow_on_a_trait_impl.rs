use eventflow::prelude::*;

trait Plan {
    fn plan(&self);
}

struct Flow;

#[workflow]
impl Plan for Flow {
    fn plan(&self) {}
}

fn main() {}
