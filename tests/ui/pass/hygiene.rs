//! Generated code does not depend on names in scope at the call site.

#![allow(dead_code, non_camel_case_types, non_upper_case_globals)]

// Shadow what generated code might name without a path.
type Result = ();
type Option = ();
struct Box;
struct Arc;
struct Vec;
struct String;
trait Clone {}
trait Send {}
trait From {}
const __ef_event: u8 = 0;
const event: u8 = 0;
const ctx: u8 = 0;

mod flows {
    use eventflow::{Context, Event, OneOf, StartEvent, StopEvent, step, workflow};
    use serde::{Deserialize, Serialize};

    #[derive(::core::clone::Clone, Serialize, Deserialize, Event)]
    pub struct Next(pub u32);

    pub struct Flow;

    #[workflow]
    impl Flow {
        #[step]
        async fn start(&self, c: &Context, ev: StartEvent<u32>) -> OneOf![Next | StopEvent<u32>] {
            let _ = c;
            Next(ev.input).into()
        }

        #[step]
        async fn next(&self, ev: Next) -> ::core::result::Result<StopEvent<u32>, ::std::string::String> {
            ::core::result::Result::Ok(StopEvent::new(ev.0 + 1))
        }
    }

    #[step]
    pub async fn free(ev: Next) -> StopEvent<u32> {
        StopEvent::new(ev.0)
    }
}

#[no_implicit_prelude]
mod bare {
    #[derive(::core::clone::Clone, ::serde::Serialize, ::serde::Deserialize, ::eventflow::Event)]
    pub struct Tick;

    pub struct Bare;

    #[::eventflow::workflow]
    impl Bare {
        #[::eventflow::step]
        async fn start(&self, _ev: ::eventflow::StartEvent) -> Tick {
            Tick
        }

        #[::eventflow::step]
        async fn tick(&self, _ev: ::eventflow::OneOf![Tick]) -> ::eventflow::StopEvent {
            ::eventflow::StopEvent::new(())
        }
    }
}

fn main() {
    let runtime = ::tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let result = ::eventflow::Runner::new(flows::Flow).run(1).await;
        ::core::assert_eq!(result.ok(), ::core::option::Option::Some(2));
        let result = ::eventflow::Runner::new(bare::Bare).run(()).await;
        ::core::assert!(result.is_ok());
    });
}
