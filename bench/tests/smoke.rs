//! Every benchmark shape runs at a tiny size and computes the right result (each shape checks
//! its own result). This asserts correctness, never time.

use eventflow_bench::{Scale, checkpointed_fanout, compile, runtime_shapes, shapes};

#[test]
fn every_runtime_shape_runs_and_checks_its_result() {
    let scale = Scale::smoke();
    let shapes = runtime_shapes(&scale);
    assert_eq!(shapes.pingpong.len(), 2);
    assert_eq!(shapes.fanout.len(), 2 * scale.fanout.len());
    assert_eq!(shapes.typed_fanout.len(), 2 * scale.fanout.len());
    assert_eq!(shapes.runs.len(), 2 * scale.runs.len());
    assert_eq!(shapes.stream.len(), 2);
    assert_eq!(shapes.stream_tokio_boxed.len(), 2);
}

#[test]
fn the_checkpointed_fan_out_runs_at_each_size_and_checks_its_result() {
    let scale = Scale::smoke();
    let measured = checkpointed_fanout(&scale);
    let sizes: Vec<u64> = measured.iter().map(|c| c.steps - 2).collect();
    assert_eq!(sizes, scale.checkpointed_fanout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspended_runs_wait_and_are_released() {
    let _ = shapes::suspended_eventflow(200).await;
    let _ = shapes::suspended_tokio(200).await;
}

#[test]
fn generated_compile_cost_sources_differ_only_in_how_dispatch_is_written() {
    let with_macro = compile::macro_source(3);
    let by_hand = compile::hand_source(3);
    assert!(with_macro.contains("#[workflow]"));
    assert!(!by_hand.contains("#[workflow]"));
    for step in [
        "async fn s0(&self, ev: StartEvent<u64>) -> E0",
        "async fn s2(&self, ev: E1) -> StopEvent<u64>",
    ] {
        assert!(
            with_macro.contains(step) && by_hand.contains(step),
            "{step}"
        );
    }
}
