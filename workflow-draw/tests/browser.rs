//! The HTML page in a real browser: its script runs, every node is drawn, and a screenshot of
//! each sample lands in `target/drawings/` to look at.
//!
//! Needs Chromium at /usr/bin/chromium: `bash scripts/setup-browser.sh`, then
//! `cargo test -p eventflow-draw --test browser -- --include-ignored`.

use std::path::{Path, PathBuf};
use std::process::Command;

use eventflow::draw::{Diagram, diagram, host_diagram, html};
use eventflow::prelude::*;
use eventflow::{Runner, Topology};
use eventflow_testkit::ScratchDir;
// A fan-out, a join taking the first two, a set and a recovery step: the workflow whose
// topology the facade's tests check, drawn here.
use eventflow_testkit::samples::Everything;

const CHROMIUM: &str = "/usr/bin/chromium";

// --- a loop -------------------------------------------------------------------------------

#[derive(Clone, Serialize, Deserialize, Event)]
struct GetFeedbackEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct OrderEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct ClearEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct LoopEvent(String);

/// `begin` asks for feedback, which orders or clears, and both loop back to `begin`.
struct FeedbackMonitor;

#[workflow]
impl FeedbackMonitor {
    #[step]
    async fn begin(
        &self,
        ev: OneOf![StartEvent<String> | LoopEvent],
    ) -> OneOf![GetFeedbackEvent | StopEvent<String>] {
        match ev {
            FeedbackMonitorBeginInput::StartEvent(ev) => GetFeedbackEvent(ev.input).into(),
            FeedbackMonitorBeginInput::LoopEvent(ev) => StopEvent::new(ev.0).into(),
        }
    }

    #[step]
    async fn get_feedback(&self, ev: GetFeedbackEvent) -> OneOf![OrderEvent | ClearEvent] {
        if ev.0.is_empty() {
            ClearEvent(ev.0).into()
        } else {
            OrderEvent(ev.0).into()
        }
    }

    #[step]
    async fn order(&self, ev: OrderEvent) -> LoopEvent {
        LoopEvent(ev.0)
    }

    #[step]
    async fn clear(&self, ev: ClearEvent) -> LoopEvent {
        LoopEvent(ev.0)
    }
}

// --- concurrent branches, collected -------------------------------------------------------

#[derive(Clone, Serialize, Deserialize, Event)]
struct OnlineEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct OfflineEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct TrendingPredictionEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct OnlineFeedbackEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct OfflineFeedbackEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct PredictionResultEvent(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct TradeEvent(String);

/// `start` sends one event to each of three sources, which run at the same time; the decision
/// collects all three answers.
struct ComplexFeedbackMonitor;

#[workflow]
impl ComplexFeedbackMonitor {
    #[step(sends(OnlineEvent, OfflineEvent, TrendingPredictionEvent))]
    async fn start(&self, ctx: &Context, ev: StartEvent<String>) {
        ctx.send_event(OnlineEvent(ev.input.clone()));
        ctx.send_event(OfflineEvent(ev.input.clone()));
        ctx.send_event(TrendingPredictionEvent(ev.input));
    }

    #[step]
    async fn online_feedback(&self, ev: OnlineEvent) -> OnlineFeedbackEvent {
        OnlineFeedbackEvent(ev.0)
    }

    #[step]
    async fn offline_feedback(&self, ev: OfflineEvent) -> OfflineFeedbackEvent {
        OfflineFeedbackEvent(ev.0)
    }

    #[step]
    async fn trending_predict(&self, ev: TrendingPredictionEvent) -> PredictionResultEvent {
        PredictionResultEvent(ev.0)
    }

    #[step]
    async fn trading_decision(
        &self,
        ctx: &Context,
        ev: OneOf![OnlineFeedbackEvent | OfflineFeedbackEvent | PredictionResultEvent],
    ) -> Option<TradeEvent> {
        let (online, offline, prediction) = ctx.collect_events::<(
            OnlineFeedbackEvent,
            OfflineFeedbackEvent,
            PredictionResultEvent,
        )>(ev)?;
        Some(TradeEvent(online.0 + &offline.0 + &prediction.0))
    }

    #[step]
    async fn trade(&self, ev: TradeEvent) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

// --- a host: three workflows, events crossing both ways, a child workflow --------------------

#[derive(Clone, Serialize, Deserialize, Event)]
struct TradeEventV2(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct OrderSettled(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Reviewed(String);

/// Reviews the product, hands the trade to the host and waits for the order station's answer.
struct Application;

#[workflow(publishes(TradeEventV2), subscribes(OrderSettled))]
impl Application {
    #[step]
    async fn review(&self, ev: StartEvent<String>) -> Reviewed {
        Reviewed(ev.input)
    }

    #[step(sends(TradeEventV2))]
    async fn decide(&self, ctx: &Context, ev: Reviewed) -> Result<StopEvent<String>, WaitError> {
        ctx.send_event(TradeEventV2(ev.0));
        let settled = ctx.wait_for_event::<OrderSettled>().await?;
        Ok(StopEvent::new(settled.0))
    }
}

/// The order station's child: pays for the order.
struct Payments;

#[workflow]
impl Payments {
    #[step]
    async fn pay(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(ev.input)
    }
}

/// Started by each trade; pays through its child and answers.
struct OrderStation {
    payments: Runner<Payments>,
}

#[workflow(start = TradeEventV2, publishes(OrderSettled))]
impl OrderStation {
    #[step(sends(OrderSettled), runs(Payments))]
    async fn trade(
        &self,
        ctx: &Context,
        ev: TradeEventV2,
    ) -> Result<StopEvent<String>, WorkflowError> {
        let paid = ctx.child(&self.payments).run(ev.0).await?;
        ctx.send_event(OrderSettled(paid));
        Ok(StopEvent::new("settled".into()))
    }
}

/// Also started by each trade.
struct Notifier;

#[workflow(start = TradeEventV2)]
impl Notifier {
    #[step]
    async fn notify(&self, ev: TradeEventV2) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

fn host() -> Diagram {
    let host = eventflow::host![
        Application => Runner::new(Application),
        OrderStation => Runner::new(OrderStation { payments: Runner::new(Payments) }),
        Notifier => Runner::new(Notifier),
    ]
    .expect("every crossing has both ends");
    host_diagram(&host.topology())
}

// --- the check ----------------------------------------------------------------------------

/// Runs headless Chromium on `page` with a fresh profile, plus `args`; returns its output.
fn chromium(page: &Path, args: &[&str]) -> std::process::Output {
    let profile = ScratchDir::new("browser-profile");
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("Chromium runs (bash scripts/setup-browser.sh)");
    assert!(
        output.status.success(),
        "Chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Where screenshots go: `target/drawings/` of the workspace.
fn drawings_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    target.join("drawings")
}

/// Opens the page of `d` in Chromium, checks that its script ran and every node is drawn, and
/// takes a screenshot named `name`, which lands with a copy of the page in `target/drawings/`.
fn check(name: &str, d: &Diagram) {
    let dir = ScratchDir::new(&format!("browser-{name}"));
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, html(d)).expect("the page is written");

    let dom = String::from_utf8_lossy(&chromium(&page, &["--dump-dom"]).stdout).into_owned();
    let body = dom
        .find("<body")
        .and_then(|at| dom[at..].find('>').map(|end| &dom[at..at + end]));
    assert!(
        body.is_some_and(|b| b.contains(r#"data-eventflow="ready""#)),
        "{name}: the page's script did not finish: {body:?}"
    );
    for node in &d.nodes {
        assert!(
            dom.contains(&format!(r#"<g id="{}""#, node.id)),
            "{name}: no drawing of {}",
            node.id
        );
    }

    let shots = drawings_dir();
    std::fs::create_dir_all(&shots).expect("target/drawings is created");
    std::fs::copy(&page, shots.join(format!("{name}.html"))).expect("the page is copied");
    let png = shots.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    chromium(
        &page,
        &[
            &format!("--screenshot={}", png.display()),
            "--window-size=1400,1000",
            "--hide-scrollbars",
        ],
    );
    let size = std::fs::metadata(&png).map_or(0, |m| m.len());
    assert!(size > 10_000, "{name}: the screenshot is missing or blank");
}

#[test]
#[ignore = "needs Chromium: bash scripts/setup-browser.sh"]
fn a_loop_is_drawn_and_the_page_comes_alive() {
    check(
        "feedback_monitor",
        &diagram(&Topology::of::<FeedbackMonitor>()),
    );
}

#[test]
#[ignore = "needs Chromium: bash scripts/setup-browser.sh"]
fn concurrent_branches_are_drawn_and_the_page_comes_alive() {
    check(
        "complex_feedback_monitor",
        &diagram(&Topology::of::<ComplexFeedbackMonitor>()),
    );
}

#[test]
#[ignore = "needs Chromium: bash scripts/setup-browser.sh"]
fn a_fan_out_join_and_recovery_are_drawn_and_the_page_comes_alive() {
    let mut d = diagram(&Topology::of::<Everything>());
    d.subtitle = Some("A run: the review failed and the fallback answered".into());
    d.notes = (1..=40)
        .map(|i| format!("{:>5} ms  step `call` finished branch {i}", i * 7))
        .collect();
    check("everything", &d);
}

#[test]
#[ignore = "needs Chromium: bash scripts/setup-browser.sh"]
fn a_host_draws_every_workflow_and_the_events_between_them() {
    let d = host();
    // Every workflow's steps are among the nodes the check finds drawn.
    for step in [
        "application-step-review",
        "application-step-decide",
        "order_station-step-trade",
        "notifier-step-notify",
    ] {
        assert!(d.nodes.iter().any(|n| n.id == step), "{step}");
    }
    check("host", &d);
}

#[test]
#[ignore = "needs Chromium: bash scripts/setup-browser.sh"]
fn a_child_workflow_is_drawn_and_the_page_comes_alive() {
    check("order_station", &diagram(&Topology::of::<OrderStation>()));
}
