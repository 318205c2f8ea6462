//! Steps written as free functions in other modules, assembled into a workflow when its runner
//! is built, and the same graph rules checked at that point.

use eventflow::Runner;
use eventflow::error::ValidationError;
use eventflow::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Order {
    sku: String,
    quantity: u32,
}

// The enums `OneOf!` makes for the free steps below are as visible as those steps, so the
// events in them are too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
pub(crate) struct Priced {
    sku: String,
    cents: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
pub(crate) struct Rejected(String);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Audit(String);

#[derive(Clone, Default, Serialize, Deserialize)]
struct Ledger {
    audited: Vec<String>,
}

/// The pricing team's module.
mod pricing {
    use super::{Order, Priced, Rejected};
    use eventflow::prelude::*;

    #[step(num_workers = 2)]
    pub(crate) async fn price(ev: Order) -> OneOf![Priced | Rejected] {
        if ev.quantity == 0 {
            return Rejected(format!("no {} ordered", ev.sku)).into();
        }
        Priced {
            cents: u64::from(ev.quantity) * 250,
            sku: ev.sku,
        }
        .into()
    }
}

/// The billing team's module: its steps need the workflow's state.
mod billing {
    use super::{Audit, Ledger, Priced, Rejected};
    use eventflow::prelude::*;

    /// `OneOf!` on a free function names its enum after the function: `BillInput`.
    #[step]
    pub(crate) async fn bill(ctx: &Context<Ledger>, ev: OneOf![Priced | Rejected]) -> Audit {
        let line = match ev {
            BillInput::Priced(p) => format!("billed {} cents for {}", p.cents, p.sku),
            BillInput::Rejected(r) => format!("rejected: {}", r.0),
        };
        ctx.state()
            .edit(|l| l.audited.push(format!("bill: {line}")));
        Audit(line)
    }

    #[step]
    pub(crate) async fn audit(ctx: &Context<Ledger>, ev: Audit) -> StopEvent<String> {
        ctx.state()
            .edit(|l| l.audited.push(format!("audit: {}", ev.0)));
        StopEvent::new(ev.0)
    }
}

struct Shop;

#[workflow(open, state = Ledger, stop = StopEvent<String>)]
impl Shop {
    #[step]
    async fn take_order(&self, ev: StartEvent<(String, u32)>) -> Order {
        let (sku, quantity) = ev.input;
        Order { sku, quantity }
    }
}

fn shop() -> Result<Runner<Shop>, ValidationError> {
    Runner::builder(Shop)
        .step(pricing::PriceStep)
        .step(billing::BillStep)
        .step(billing::AuditStep)
        .build()
}

#[tokio::test]
async fn free_function_steps_from_several_modules_make_one_workflow()
-> Result<(), Box<dyn std::error::Error>> {
    let shop = shop()?;
    let names: Vec<&str> = shop.steps().map(|s| s.name).collect();
    assert_eq!(names, ["take_order", "price", "bill", "audit"]);
    assert_eq!(shop.steps().nth(1).map(|s| s.num_workers), Some(2));

    let result = shop.run(("apple".into(), 4)).await?;
    assert_eq!(result, "billed 1000 cents for apple");
    let rejected = shop.run(("pear".into(), 0)).await?;
    assert_eq!(rejected, "rejected: no pear ordered");
    Ok(())
}

#[tokio::test]
async fn free_steps_share_the_run_state() -> Result<(), Box<dyn std::error::Error>> {
    let mut handler = shop()?.run(("fig".into(), 1));
    while handler.next().await.is_some() {}
    assert_eq!(
        handler.state().audited,
        [
            "bill: billed 250 cents for fig",
            "audit: billed 250 cents for fig"
        ]
    );
    Ok(())
}

/// A free step without a context joins workflows of any state.
#[step]
async fn shout(ev: StartEvent<String>) -> StopEvent<String> {
    StopEvent::new(ev.input.to_uppercase())
}

struct Empty;

#[workflow(open, start = StartEvent<String>, stop = StopEvent<String>)]
impl Empty {}

struct EmptyLedger;

#[workflow(open, state = Ledger, start = StartEvent<String>, stop = StopEvent<String>)]
impl EmptyLedger {}

#[tokio::test]
async fn a_workflow_can_be_made_of_free_steps_only() -> Result<(), Box<dyn std::error::Error>> {
    let runner = Runner::builder(Empty).step(ShoutStep).build()?;
    assert_eq!(runner.run("hey".into()).await?, "HEY");
    Ok(())
}

/// Free steps fan out and join like methods; the join's fan-out is found when the runner is
/// built.
mod words {
    use eventflow::prelude::*;

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub(crate) struct Word(pub(crate) String);

    #[step]
    pub(crate) async fn split(ev: StartEvent<String>) -> Vec<Word> {
        ev.input
            .split_whitespace()
            .map(|w| Word(w.to_owned()))
            .collect()
    }

    /// Emits one word, not a fan-out of them.
    #[step]
    pub(crate) async fn whole(ev: StartEvent<String>) -> Word {
        Word(ev.input)
    }

    #[step]
    pub(crate) async fn join(words: Vec<Word>) -> StopEvent<String> {
        let words: Vec<String> = words.into_iter().map(|w| w.0.to_uppercase()).collect();
        StopEvent::new(words.join("-"))
    }
}

#[tokio::test]
async fn free_steps_fan_out_and_join() -> Result<(), Box<dyn std::error::Error>> {
    let runner = Runner::builder(Empty)
        .step(words::SplitStep)
        .step(words::JoinStep)
        .build()?;
    assert_eq!(runner.run("a b c".into()).await?, "A-B-C");
    Ok(())
}

#[test]
fn a_join_with_no_fan_out_is_reported_at_build_time() {
    let result = Runner::builder(Empty)
        .step(words::WholeStep)
        .step(words::JoinStep)
        .build();
    assert_eq!(
        problems(result),
        [
            "step `join` joins a fan-out of `Word`, but no fan-out leads to `Word`; fan out by returning `Vec<..>` from a step upstream, or take `Word` to run once per event",
        ]
    );
}

// --- the rules, checked at build time --------------------------------------------------------

fn problems(result: Result<Runner<impl eventflow::Workflow>, ValidationError>) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(error) => error.problems().to_vec(),
    }
}

#[test]
fn a_missing_step_is_reported_as_an_event_nobody_handles() {
    let result = Runner::builder(Shop).step(pricing::PriceStep).build();
    assert_eq!(
        problems(result),
        [
            "no step emits the stop event `StopEvent`, so no run can finish",
            "step `price` emits `Priced`, but no step accepts it; if it is only meant for the caller's stream, declare it with `#[step(stream_only(Priced))]`",
            "step `price` emits `Rejected`, but no step accepts it; if it is only meant for the caller's stream, declare it with `#[step(stream_only(Rejected))]`",
        ]
    );
}

#[test]
fn an_accepted_event_nobody_produces_is_reported() {
    let result = Runner::builder(Shop)
        .step(pricing::PriceStep)
        .step(billing::BillStep)
        .build();
    assert_eq!(
        problems(result),
        [
            "no step emits the stop event `StopEvent`, so no run can finish",
            "step `bill` emits `Audit`, but no step accepts it; if it is only meant for the caller's stream, declare it with `#[step(stream_only(Audit))]`"
        ]
    );
    let result = Runner::builder(EmptyLedger)
        .step(billing::AuditStep)
        .build();
    let problems = problems(result);
    assert!(
        problems
            .contains(&"step `audit` accepts `Audit`, but no step emits or sends it".to_string()),
        "{problems:?}"
    );
}

#[test]
fn duplicate_names_and_unconnected_steps_are_reported() {
    let result = Runner::builder(Empty)
        .step(ShoutStep)
        .step(ShoutStep)
        .build();
    assert_eq!(
        problems(result),
        ["two steps are named `shout`; step names must be unique"]
    );
    let result = Runner::builder(Empty).build();
    assert_eq!(
        problems(result),
        [
            "no step accepts the start event `StartEvent`",
            "no step emits the stop event `StopEvent`, so no run can finish"
        ]
    );
}

#[test]
fn the_error_lists_every_problem() {
    let error = Runner::builder(Empty).build().err().map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some(
            "workflow `Empty` is invalid:\n  - no step accepts the start event `StartEvent`\n  - no step emits the stop event `StopEvent`, so no run can finish"
        )
    );
}

// Hand-written `Workflow` impls are checked by the builder as well.
mod by_hand {
    use std::sync::Arc;

    use eventflow::event::EventType;
    use eventflow::step::{Emit, StepDef, StepInput, StepSpec};
    use eventflow::{AnyEvent, Context, Runner, StartEvent, StopEvent, Workflow};

    pub(crate) struct Loops;

    impl Workflow for Loops {
        type Start = StartEvent;
        type Stop = StopEvent;
        type State = ();
        const NAME: &'static str = "Loops";
        const STEPS: &'static [StepDef<Self>] = &[
            StepDef::new(
                StepSpec {
                    accepts: &[EventType::of::<StartEvent>()],
                    emits: &[EventType::of::<StopEvent>()],
                    ..StepSpec::new("start")
                },
                |_: &Arc<Self>, _: StepInput, _: Context| {
                    Box::pin(async { Ok(Emit::One(AnyEvent::new(StopEvent::new(())))) })
                },
            ),
            StepDef::new(
                StepSpec {
                    accepts: &[EventType::of::<StartEvent<u8>>()],
                    emits: &[EventType::of::<StartEvent<u8>>()],
                    ..StepSpec::new("spin")
                },
                |_: &Arc<Self>, _: StepInput, _: Context| Box::pin(async { Ok(Emit::None) }),
            ),
        ];
    }

    #[test]
    fn a_closed_cycle_is_unreachable() {
        let problems = Runner::builder(Loops)
            .build()
            .err()
            .map(|e| e.problems().to_vec());
        assert_eq!(
            problems,
            Some(vec![
                "step `spin` is unreachable: no chain of events leads to it from the start event `StartEvent`".to_string()
            ])
        );
    }
}
