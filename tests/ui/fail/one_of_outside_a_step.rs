use eventflow::prelude::*;

fn describe(_ev: OneOf![StartEvent | StopEvent]) {}

fn main() {}
