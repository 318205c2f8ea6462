//! Workflows that talk by events in one host: published events start runs of their receivers
//! or reach their subscribers' runs, within one conversation, checked when the host is built.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventflow::host::NotInHost;
use eventflow::prelude::*;
use eventflow::trace::TraceOutcome;
use eventflow::{Host, Topology};
use eventflow_testkit::{drain, runtime};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct TradeEventV2 {
    feedback: String,
    sku: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Shipped {
    sku: String,
    by: String,
}

/// Decides and hands the trade to whoever takes it.
struct Monitor;

#[workflow(publishes(TradeEventV2))]
impl Monitor {
    #[step(sends(TradeEventV2))]
    async fn trade(&self, ctx: &Context, ev: StartEvent<String>) -> StopEvent<String> {
        ctx.send_event(TradeEventV2 {
            feedback: "Good".into(),
            sku: ev.input,
        });
        StopEvent::new("We are done for the day.".into())
    }
}

/// Starts from a trade, as its own workflow.
#[derive(Default)]
struct OrderStation {
    orders: Mutex<Vec<String>>,
}

#[workflow(start = TradeEventV2)]
impl OrderStation {
    #[step]
    async fn trade(&self, ev: TradeEventV2) -> StopEvent<String> {
        if let Ok(mut orders) = self.orders.lock() {
            orders.push(format!("{} {}", ev.feedback, ev.sku));
        }
        StopEvent::new("Done!".into())
    }
}

/// Also starts from a trade: an audit log.
#[derive(Default)]
struct Audit {
    seen: AtomicUsize,
}

#[workflow(start = TradeEventV2)]
impl Audit {
    #[step]
    async fn record(&self, _ev: TradeEventV2) -> StopEvent {
        self.seen.fetch_add(1, Ordering::SeqCst);
        StopEvent::new(())
    }
}

#[tokio::test]
async fn a_published_event_starts_a_run_of_the_workflow_it_starts() {
    let host = eventflow::host![
        Monitor => Runner::new(Monitor),
        OrderStation => Runner::new(OrderStation::default()),
    ]
    .expect("a valid host");
    let result = host
        .run::<Monitor>("Apple".into())
        .expect("in the host")
        .await;
    assert_eq!(result.ok().as_deref(), Some("We are done for the day."));
    host.idle().await;
    let orders = host
        .runner::<OrderStation>()
        .and_then(|r| r.workflow().orders.lock().ok().map(|o| o.clone()))
        .unwrap_or_default();
    assert_eq!(orders, ["Good Apple"]);
    assert_eq!(host.live_runs(), 0);
}

#[tokio::test]
async fn a_published_event_reaches_every_workflow_that_takes_it() {
    let host = eventflow::host![
        Monitor => Runner::new(Monitor),
        OrderStation => Runner::new(OrderStation::default()),
        Audit => Runner::new(Audit::default()),
    ]
    .expect("a valid host");
    for sku in ["Apple", "Pear", "Plum"] {
        assert!(
            host.run::<Monitor>(sku.into())
                .expect("in the host")
                .await
                .is_ok()
        );
    }
    host.idle().await;
    let audited = host
        .runner::<Audit>()
        .map(|r| r.workflow().seen.load(Ordering::SeqCst));
    assert_eq!(audited, Some(3));
    let orders = host
        .runner::<OrderStation>()
        .and_then(|r| r.workflow().orders.lock().ok().map(|o| o.len()));
    assert_eq!(orders, Some(3));
}

// --- request and reply, within a conversation --------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Order {
    sku: String,
    delay_ms: u64,
}

/// Orders, then waits for the warehouse's reply.
struct Shop;

#[workflow(publishes(Order), subscribes(Shipped))]
impl Shop {
    #[step(sends(Order))]
    async fn order(
        &self,
        ctx: &Context,
        ev: StartEvent<(String, u64)>,
    ) -> Result<StopEvent<String>, WaitError> {
        let (sku, delay_ms) = ev.input;
        ctx.send_event(Order { sku, delay_ms });
        let shipped = ctx.wait_for_event::<Shipped>().await?;
        Ok(StopEvent::new(format!("{} by {}", shipped.sku, shipped.by)))
    }
}

/// Ships after a delay, or not at all for "lost".
struct Warehouse;

#[workflow(start = Order, publishes(Shipped))]
impl Warehouse {
    #[step(sends(Shipped))]
    async fn ship(&self, ctx: &Context, ev: Order) -> StopEvent {
        tokio::time::sleep(Duration::from_millis(ev.delay_ms)).await;
        if ev.sku != "lost" {
            ctx.send_event(Shipped {
                sku: ev.sku,
                by: "warehouse".into(),
            });
        }
        StopEvent::new(())
    }
}

fn shop() -> Host {
    eventflow::host![
        Shop => Runner::new(Shop),
        Warehouse => Runner::new(Warehouse).record_runs(true),
    ]
    .expect("a valid host")
}

#[tokio::test(start_paused = true)]
async fn replies_go_back_to_the_run_of_their_own_conversation() {
    let host = shop();
    // The first order ships last: each reply must still reach its own shop run.
    let slow = host.run::<Shop>(("slow".into(), 300)).expect("in the host");
    let fast = host.run::<Shop>(("fast".into(), 100)).expect("in the host");
    let middle = host
        .run::<Shop>(("middle".into(), 200))
        .expect("in the host");
    assert_eq!(slow.await.ok().as_deref(), Some("slow by warehouse"));
    assert_eq!(fast.await.ok().as_deref(), Some("fast by warehouse"));
    assert_eq!(middle.await.ok().as_deref(), Some("middle by warehouse"));
    host.idle().await;
    // The warehouse's runs ended with their own stop event, not stalled after replying.
    let last = host
        .runner::<Warehouse>()
        .and_then(Runner::last_run)
        .map(|t| t.outcome);
    assert_eq!(last, Some(TraceOutcome::Completed));
}

#[tokio::test(start_paused = true)]
async fn a_run_waiting_for_a_reply_nobody_can_send_any_more_stalls() {
    let host = shop();
    let result = host
        .run::<Shop>(("lost".into(), 50))
        .expect("in the host")
        .await;
    let Err(WorkflowError::Stalled { pending }) = result else {
        panic!("the shop should stall: {result:?}");
    };
    assert_eq!(pending, ["step `order` waits for `Shipped`"]);
}

#[tokio::test]
async fn outside_a_host_a_published_event_goes_to_the_callers_stream() {
    let mut handler = Runner::new(Monitor).run("Apple".into());
    let events = drain(&mut handler).await;
    let names: Vec<&str> = events.iter().map(AnyEvent::name).collect();
    assert_eq!(names, ["TradeEventV2", "StopEvent"]);
}

// --- the rules -----------------------------------------------------------------------------

#[test]
fn a_host_checks_that_every_crossing_event_has_a_sender_and_a_receiver() {
    let problems = |result: Result<Host, eventflow::error::ValidationError>| {
        result
            .err()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default()
    };
    assert_eq!(
        problems(Host::builder().workflow(Runner::new(Monitor)).build()),
        [
            "workflow `Monitor` publishes `TradeEventV2`, but no other workflow of the host starts from it or subscribes to it"
        ]
    );
    assert_eq!(
        problems(Host::builder().workflow(Runner::new(Shop)).build()),
        [
            "workflow `Shop` publishes `Order`, but no other workflow of the host starts from it or subscribes to it",
            "workflow `Shop` subscribes to `Shipped`, but no other workflow of the host publishes it",
        ]
    );
    assert_eq!(
        problems(
            Host::builder()
                .workflow(Runner::new(Shop))
                .workflow(Runner::new(Warehouse))
                .workflow(Runner::new(Warehouse))
                .build()
        ),
        ["workflow `Warehouse` is in the host twice"]
    );
}

#[tokio::test]
async fn a_workflow_not_in_the_host_cannot_be_run_there() {
    let host = shop();
    let error = host.run::<Monitor>("Apple".into()).err();
    assert_eq!(
        error,
        Some(NotInHost {
            workflow: "Monitor"
        })
    );
}

#[test]
fn the_host_topology_shows_the_events_between_workflows() {
    let host = eventflow::host![
        Monitor => Runner::new(Monitor),
        OrderStation => Runner::new(OrderStation::default()),
    ]
    .expect("a valid host");
    let t = host.topology();
    assert_eq!(t.workflows.len(), 2);
    assert_eq!(t.workflows[1], Topology::of::<OrderStation>());
    assert_eq!(t.crossings.len(), 1);
    let crossing = &t.crossings[0];
    assert_eq!(
        (
            crossing.from,
            crossing.event.as_str(),
            crossing.to,
            crossing.starts
        ),
        (0, "TradeEventV2", 1, true)
    );
    let shop = shop().topology();
    let reply = shop
        .crossings
        .iter()
        .find(|c| c.event == "Shipped")
        .expect("the reply");
    assert_eq!((reply.from, reply.to, reply.starts), (1, 0, false));
}

// --- correlation under random timing ---------------------------------------------------------

async fn conversations(host: &Host, orders: &[(u64, bool)]) -> Vec<Result<String, String>> {
    let runs: Vec<_> = orders
        .iter()
        .enumerate()
        .map(|(i, &(delay_ms, lost))| {
            let sku = if lost {
                "lost".to_string()
            } else {
                format!("sku{i}")
            };
            host.run::<Shop>((sku, delay_ms)).map_err(|e| e.to_string())
        })
        .collect();
    let mut results = Vec::new();
    for run in runs {
        results.push(match run {
            Ok(handler) => handler.await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        });
    }
    results
}

fn expected(orders: &[(u64, bool)]) -> Vec<Result<String, String>> {
    orders
        .iter()
        .enumerate()
        .map(|(i, &(_, lost))| {
            if lost {
                Err(WorkflowError::Stalled {
                    pending: vec!["step `order` waits for `Shipped`".into()],
                }
                .to_string())
            } else {
                Ok(format!("sku{i} by warehouse"))
            }
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// However the replies interleave, each conversation gets its own reply, and one whose
    /// reply never comes stalls without holding up the others.
    #[test]
    fn every_conversation_gets_its_own_reply(
        orders in proptest::collection::vec((0_u64..50, proptest::bool::weighted(0.2)), 1..12)
    ) {
        let runtime = runtime::paused()
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let results = runtime.block_on(async {
            let host = shop();
            let results = conversations(&host, &orders).await;
            host.idle().await;
            (results, host.live_runs())
        });
        proptest::prop_assert_eq!(results, (expected(&orders), 0));
    }

    /// The same on a multi-threaded runtime, where runs of one conversation really race.
    #[test]
    fn every_conversation_gets_its_own_reply_across_threads(
        orders in proptest::collection::vec((0_u64..3, proptest::bool::weighted(0.2)), 1..12)
    ) {
        let runtime = runtime::threaded()
            .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        let results = runtime.block_on(async {
            let host = shop();
            let results = conversations(&host, &orders).await;
            host.idle().await;
            (results, host.live_runs())
        });
        proptest::prop_assert_eq!(results, (expected(&orders), 0));
    }
}

// --- a subscribed event taken by a step's signature ----------------------------------------

/// Orders, and takes the reply in a step of its own rather than waiting inside `order`.
struct Counter;

#[workflow(publishes(Order), subscribes(Shipped))]
impl Counter {
    #[step(sends(Order))]
    async fn order(&self, ctx: &Context, ev: StartEvent<String>) {
        ctx.send_event(Order {
            sku: ev.input,
            delay_ms: 0,
        });
    }

    #[step]
    async fn shipped(&self, ev: Shipped) -> StopEvent<String> {
        StopEvent::new(format!("{} shipped", ev.sku))
    }
}

#[tokio::test]
async fn a_step_accepting_a_subscribed_event_runs_on_the_reply() {
    let host = eventflow::host![
        Counter => Runner::new(Counter),
        Warehouse => Runner::new(Warehouse),
    ]
    .expect("a valid host");
    let result = host
        .run::<Counter>("tea".into())
        .expect("in the host")
        .await;
    assert_eq!(result.ok().as_deref(), Some("tea shipped"));
    host.idle().await;
    assert_eq!(host.live_runs(), 0);
}
