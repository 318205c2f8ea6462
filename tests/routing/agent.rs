//! The agent shape: a step that returns either tool calls, which fan out and run concurrently,
//! or the answer, `-> OneOf![Vec<ToolCall> | StopEvent<String>]`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use eventflow::Topology;
use eventflow::prelude::*;
use eventflow::topology::EdgeKind;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ToolCall {
    round: usize,
    arg: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ToolResult(u32);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Observations {
    values: Vec<u32>,
}

/// A scripted model: round `i` asks for `rounds[i]` tool calls, and once the script is over it
/// answers with every value it observed. The run's state counts the rounds.
struct Agent {
    rounds: Vec<u32>,
    tools: Arc<Tools>,
}

/// What the tools saw, read by the tests after the run.
#[derive(Default)]
struct Tools {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    runs: AtomicUsize,
}

/// What the agent remembers during one run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Memory {
    rounds_done: usize,
    seen: Vec<u32>,
}

#[workflow(state = Memory)]
impl Agent {
    #[step]
    async fn model(
        &self,
        ctx: &Context<Memory>,
        ev: OneOf![StartEvent<String> | Observations],
    ) -> OneOf![Vec<ToolCall> | StopEvent<String>] {
        if let AgentModelInput::Observations(seen) = ev {
            ctx.state().edit(|m| m.seen.extend(seen.values));
        }
        let round = ctx.state().read(|m| m.rounds_done);
        match self.rounds.get(round) {
            Some(&calls) => (0..calls)
                .map(|arg| ToolCall { round, arg })
                .collect::<Vec<_>>()
                .into(),
            None => StopEvent::new(format!("{:?}", ctx.state().read(|m| m.seen.clone()))).into(),
        }
    }

    #[step(num_workers = 8)]
    async fn tool(&self, call: ToolCall) -> ToolResult {
        let tools = &self.tools;
        let now = tools.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        tools.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        tools.in_flight.fetch_sub(1, Ordering::SeqCst);
        tools.runs.fetch_add(1, Ordering::SeqCst);
        ToolResult(u32::try_from(call.round).unwrap_or(u32::MAX) * 10 + call.arg)
    }

    #[step]
    async fn observe(&self, ctx: &Context<Memory>, results: Vec<ToolResult>) -> Observations {
        // Rounds are counted in the state: an empty round's join has no result to read the
        // round from.
        ctx.state().edit(|m| m.rounds_done += 1);
        Observations {
            values: results.into_iter().map(|r| r.0).collect(),
        }
    }
}

fn agent(rounds: &[u32]) -> (Runner<Agent>, Arc<Tools>) {
    let tools = Arc::new(Tools::default());
    let agent = Agent {
        rounds: rounds.to_vec(),
        tools: tools.clone(),
    };
    (Runner::new(agent), tools)
}

#[tokio::test(start_paused = true)]
async fn tool_calls_fan_out_concurrently_and_loop_until_the_answer() {
    let (runner, tools) = agent(&[3, 2]);
    let answer = runner.run("question".to_owned()).await.ok();
    // Each round's results are joined in call order.
    assert_eq!(answer.as_deref(), Some("[0, 1, 2, 10, 11]"));
    assert_eq!(tools.runs.load(Ordering::SeqCst), 5);
    assert_eq!(tools.most_in_flight.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn an_answer_at_once_runs_no_tool() {
    let (runner, tools) = agent(&[]);
    let answer = runner.run("question".to_owned()).await.ok();
    assert_eq!(answer.as_deref(), Some("[]"));
    assert_eq!(tools.runs.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn a_round_of_no_tool_calls_is_joined_at_once() {
    let (runner, tools) = agent(&[0, 1, 0]);
    let answer = runner.run("question".to_owned()).await.ok();
    assert_eq!(answer.as_deref(), Some("[10]"));
    assert_eq!(tools.runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn many_rounds_of_many_calls() {
    let rounds = vec![100; 50];
    let (runner, tools) = agent(&rounds);
    let answer = runner.run("question".to_owned()).await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(tools.runs.load(Ordering::SeqCst), 5_000);
    assert_eq!(
        tools.most_in_flight.load(Ordering::SeqCst),
        8,
        "num_workers bounds a round"
    );
}

#[test]
fn the_topology_draws_only_the_vec_arm_as_a_fan_out() {
    let t = Topology::of::<Agent>();
    let model = t.steps.iter().position(|s| s.name == "model");
    let model = model.expect("the model step");
    assert!(t.steps[model].fans_out);
    let out: Vec<(EdgeKind, String)> = t
        .edges_of(model)
        .filter(|e| matches!(e.kind, EdgeKind::FansOut | EdgeKind::Emits))
        .map(|e| (e.kind, t.events[e.event].name.clone()))
        .collect();
    assert_eq!(
        out,
        [
            (EdgeKind::FansOut, "ToolCall".to_owned()),
            (EdgeKind::Emits, "StopEvent".to_owned()),
        ]
    );
}

/// The `Result` and `Option` forms: `Err` fails the step, `None` ends the branch.
struct Guarded;

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Checked(u32);

#[workflow]
impl Guarded {
    #[step]
    async fn plan(
        &self,
        ev: StartEvent<i64>,
    ) -> Result<OneOf![Vec<Checked> | StopEvent<u32>], String> {
        match u32::try_from(ev.input) {
            Ok(0) => Ok(StopEvent::new(0).into()),
            Ok(n) => Ok((1..=n).map(Checked).collect::<Vec<_>>().into()),
            Err(_) => Err(format!("{} is negative", ev.input)),
        }
    }

    #[step]
    async fn check(&self, ev: Checked) -> Option<OneOf![Vec<Checked> | Checked2]> {
        (ev.0 % 2 == 1).then_some(Checked2(ev.0).into())
    }

    #[step]
    async fn sum(&self, odd: Vec<Checked2>) -> StopEvent<u32> {
        StopEvent::new(odd.into_iter().map(|c| c.0).sum())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Event)]
struct Checked2(u32);

#[tokio::test]
async fn the_result_and_option_forms_fail_and_end_branches() {
    let runner = Runner::new(Guarded);
    assert_eq!(runner.run(0).await.ok(), Some(0));
    // Even branches return `None` and leave the join's collection.
    assert_eq!(runner.run(5).await.ok(), Some(1 + 3 + 5));
    let failed = runner.run(-1).await;
    assert!(
        matches!(&failed, Err(e) if e.to_string().contains("-1 is negative")),
        "{failed:?}"
    );
}
