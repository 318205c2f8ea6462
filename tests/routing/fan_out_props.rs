//! Fan-out and fan-in under random shapes, delays, branch deaths and failures: every event is
//! handled exactly once and every join gets exactly its own branches, in fan-out order.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use eventflow::prelude::*;
use eventflow_testkit::runtime;
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LeafPlan {
    id: u32,
    delay: u64,
    survives: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Item {
    id: u32,
    delay: u64,
    fails_first: bool,
    leaves: Vec<LeafPlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct Leaf {
    item: u32,
    plan: LeafPlan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct LeafDone {
    item: u32,
    leaf: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Event)]
struct ItemDone {
    item: u32,
    leaves: Vec<u32>,
}

#[derive(Debug, thiserror::Error)]
#[error("transient failure")]
struct Transient;

/// Items fan out into leaves; leaves are joined per item, items per run.
#[derive(Default)]
struct Tree {
    /// How many times each step handled each id.
    handled: Mutex<HashMap<(&'static str, u32), u32>>,
}

impl Tree {
    fn count(&self, step: &'static str, id: u32) {
        if let Ok(mut handled) = self.handled.lock() {
            *handled.entry((step, id)).or_default() += 1;
        }
    }
}

#[workflow]
impl Tree {
    #[step]
    async fn plant(&self, ev: StartEvent<Vec<Item>>) -> Vec<Item> {
        ev.input
    }

    #[step(num_workers = 3, retry = RetryPolicy::fixed(Duration::from_millis(5)).max_attempts(2))]
    async fn branch(&self, ctx: &Context, item: Item) -> Result<Vec<Leaf>, Transient> {
        tokio::time::sleep(Duration::from_millis(item.delay)).await;
        if item.fails_first && ctx.attempt() == 1 {
            return Err(Transient);
        }
        self.count("branch", item.id);
        Ok(item
            .leaves
            .into_iter()
            .map(|plan| Leaf {
                item: item.id,
                plan,
            })
            .collect())
    }

    #[step(num_workers = 4)]
    async fn grow(&self, leaf: Leaf) -> Option<LeafDone> {
        tokio::time::sleep(Duration::from_millis(leaf.plan.delay)).await;
        self.count("grow", leaf.plan.id);
        leaf.plan.survives.then_some(LeafDone {
            item: leaf.item,
            leaf: leaf.plan.id,
        })
    }

    #[step(num_workers = 2)]
    async fn gather_leaves(&self, leaves: Vec<LeafDone>) -> Option<ItemDone> {
        let item = leaves.first()?.item;
        assert!(leaves.iter().all(|l| l.item == item), "{leaves:?}");
        self.count("gather_leaves", item);
        Some(ItemDone {
            item,
            leaves: leaves.into_iter().map(|l| l.leaf).collect(),
        })
    }

    #[step]
    async fn gather_items(&self, items: Vec<ItemDone>) -> StopEvent<Vec<(u32, Vec<u32>)>> {
        StopEvent::new(items.into_iter().map(|i| (i.item, i.leaves)).collect())
    }
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    let leaf = (0_u64..20, prop::bool::weighted(0.8));
    let item = (
        0_u64..20,
        prop::bool::weighted(0.3),
        prop::collection::vec(leaf, 0..5),
    );
    prop::collection::vec(item, 0..6).prop_map(|items| {
        let mut next_leaf = 0;
        (0u32..)
            .zip(items)
            .map(|(id, (delay, fails_first, leaves))| Item {
                id,
                delay,
                fails_first,
                leaves: leaves
                    .into_iter()
                    .map(|(delay, survives)| {
                        next_leaf += 1;
                        LeafPlan {
                            id: next_leaf,
                            delay,
                            survives,
                        }
                    })
                    .collect(),
            })
            .collect()
    })
}

/// What the run should return: the items with a surviving leaf, each with those leaves.
fn expected(items: &[Item]) -> Vec<(u32, Vec<u32>)> {
    items
        .iter()
        .map(|item| {
            let leaves: Vec<u32> = item
                .leaves
                .iter()
                .filter(|l| l.survives)
                .map(|l| l.id)
                .collect();
            (item.id, leaves)
        })
        .filter(|(_, leaves)| !leaves.is_empty())
        .collect()
}

fn check(items: &[Item], runtime: &tokio::runtime::Runtime) -> Result<(), TestCaseError> {
    let runner = Runner::new(Tree::default());
    let result = runtime.block_on(async { runner.run(items.to_vec()).await });
    prop_assert_eq!(result.ok(), Some(expected(items)));
    let handled = runner
        .workflow()
        .handled
        .lock()
        .map(|h| h.clone())
        .unwrap_or_default();
    for item in items {
        prop_assert_eq!(handled.get(&("branch", item.id)), Some(&1));
        let survivors = item.leaves.iter().filter(|l| l.survives).count();
        let gathered = handled.get(&("gather_leaves", item.id)).copied();
        prop_assert_eq!(gathered, (survivors > 0).then_some(1));
        for leaf in &item.leaves {
            prop_assert_eq!(handled.get(&("grow", leaf.id)), Some(&1));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn every_join_gets_exactly_its_surviving_branches(items in items()) {
        let runtime = runtime::paused().map_err(|e| TestCaseError::fail(e.to_string()))?;
        check(&items, &runtime)?;
    }

    #[test]
    fn joins_hold_on_a_multi_thread_runtime(items in items()) {
        // Real time, so the delays (a few milliseconds) race across threads.
        let runtime = runtime::threaded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let fast: Vec<Item> = items
            .into_iter()
            .map(|mut item| {
                item.delay /= 10;
                for leaf in &mut item.leaves {
                    leaf.delay /= 10;
                }
                item
            })
            .collect();
        check(&fast, &runtime)?;
    }
}
