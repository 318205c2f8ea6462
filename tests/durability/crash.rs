//! The crash test: a process running many checkpointed runs is killed with SIGKILL at random
//! moments and started again, over and over; then every run must have finished with the
//! result of an uninterrupted run, and the steps' log must show that no committed emission was
//! lost or repeated.
//!
//! `EVENTFLOW_CRASH_KILLS` sets how many times the process is killed (default 12; run it with
//! 100 or more locally: `EVENTFLOW_CRASH_KILLS=150 cargo test --test durability crash::`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use eventflow::RunId;
use eventflow::store::{CheckpointStore, RunStatus, SqliteStore};
use eventflow_testkit::{ScratchDir, example};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The steps an uninterrupted run on `input` takes, with the value each logs (sorted: the
/// branches of a fan-out run in any order), and its result.
fn reference(input: u32) -> (Vec<(String, u64)>, u64) {
    let mut path = vec![("begin".to_owned(), u64::from(input))];
    let scores: Vec<u64> = (0..input % 3 + 2)
        .map(|k| u64::from(input * 5 + k * k) % 13)
        .collect();
    path.extend(scores.iter().map(|&s| ("part".to_owned(), s)));
    let mut acc = scores.iter().fold(0, |acc, s| (acc * 3 + s) % 1000);
    path.push(("gather".to_owned(), acc));
    let n = input % 7 + 3;
    for i in 0..=n {
        path.push(("tick".to_owned(), acc));
        if i < n {
            acc += u64::from(i * 7 % 11);
        }
    }
    path.push(("settle".to_owned(), acc));
    if acc.is_multiple_of(3) {
        // The first attempt fails; the retry is another execution on the same input.
        path.push(("settle".to_owned(), acc));
    }
    let (branch, checked) = if acc.is_multiple_of(2) {
        ("even", acc * 2)
    } else {
        ("odd", acc * 3 + 1)
    };
    path.push((branch.to_owned(), checked));
    let audit = acc % 10;
    // `close` runs on each of the branch's two results, and the second one finishes.
    path.push(("close".to_owned(), checked));
    path.push(("close".to_owned(), audit));
    // The process answers `Ask(checked)` with `checked + 1`.
    let result = (checked + 1) * 10 + audit;
    path.push(("result".to_owned(), result));
    path.sort();
    (path, result)
}

/// One line of the steps' log: `generation run/step/input/attempt value`.
struct Entry {
    generation: u32,
    key: String,
    run: String,
    step: String,
    value: u64,
}

fn log(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            // A line cut short by a kill has no value after the key.
            let mut words = line.split(' ');
            let generation = words.next()?.parse().ok()?;
            let key = words.next()?.to_owned();
            let value = words.next()?.parse().ok()?;
            let mut parts = key.split('/');
            let run = parts.next()?.to_owned();
            // The step that ends a run also logs the result, under its key and `!result`.
            let step = if key.ends_with("!result") {
                "result".to_owned()
            } else {
                parts.next()?.to_owned()
            };
            Some(Entry {
                generation,
                key,
                run,
                step,
                value,
            })
        })
        .collect()
}

fn started(dir: &Path) -> BTreeMap<u32, RunId> {
    let text = std::fs::read_to_string(dir.join("started")).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (input, run) = line.split_once(' ')?;
            Some((input.parse().ok()?, run.parse().ok()?))
        })
        .collect()
}

#[test]
fn runs_killed_at_random_moments_finish_as_if_never_interrupted() {
    let kills: u32 = std::env::var("EVENTFLOW_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(12);
    let dir = ScratchDir::new("crash");
    // Enough runs that the work outlasts the kills: each kill lands mid-work.
    let runs = (kills * 2).max(24);
    let db = dir.join("runs.db");
    let worker = example("crash_worker");
    let spawn = |generation: u32| {
        Command::new(&worker)
            .args([
                "--db",
                &db.to_string_lossy(),
                "--dir",
                &dir.to_string_lossy(),
            ])
            .args([
                "--runs",
                &runs.to_string(),
                "--generation",
                &generation.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", worker.display()))
    };
    // The moments are random, but the seed is printed so a failure can be replayed.
    let seed: u64 = std::env::var("EVENTFLOW_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::make_rng::<StdRng>().random());
    eprintln!("crash test: {kills} kills, seed {seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let mut generation = 0;
    for _ in 0..kills {
        let mut child = spawn(generation);
        std::thread::sleep(Duration::from_millis(rng.random_range(2..40)));
        // SIGKILL: no destructor, no flush, no goodbye.
        let _ = child.kill();
        let _ = child.wait();
        generation += 1;
    }
    let last = spawn(generation)
        .wait_with_output()
        .unwrap_or_else(|e| panic!("the last worker: {e}"));
    assert!(
        last.status.success(),
        "the last worker failed: {}",
        String::from_utf8_lossy(&last.stderr)
    );

    // Every input has a run, and every run finished with the uninterrupted result.
    let store = SqliteStore::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let started = started(&dir);
    assert_eq!(started.len(), runs as usize);
    let entries = log(&dir);
    for (&input, &run) in &started {
        let stored = store
            .load(run)
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("run {run} of input {input} is not stored"));
        assert_eq!(stored.header.status, RunStatus::Completed, "input {input}");
        let (path, result) = reference(input);
        let mine: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.run == run.to_string())
            .collect();
        // Runs again only on the same key, each time in another process: a key is never
        // done twice in one process, and dropping repeats leaves exactly the uninterrupted
        // path. A lost emission would leave a step out; a duplicated one would add a step.
        let mut seen: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut distinct = Vec::new();
        for entry in &mine {
            let generations = seen.entry(entry.key.as_str()).or_default();
            assert!(
                !generations.contains(&entry.generation),
                "input {input}: {} done twice in generation {}",
                entry.key,
                entry.generation
            );
            if generations.is_empty() {
                distinct.push((entry.step.clone(), entry.value));
            }
            generations.push(entry.generation);
        }
        distinct.sort();
        assert_eq!(distinct, path, "input {input}: the steps taken");
        assert!(
            distinct.contains(&("result".to_owned(), result)),
            "input {input}: the result"
        );
    }
    // A run killed before its first checkpoint was started again under a new id; steps of
    // the old one may have run, but only of runs this test started.
    // The kills landed mid-work: some runs went on in a later process, and some steps
    // that were running when a process died ran again there.
    let generations_of = |run: &str| {
        let mut generations: Vec<u32> = entries
            .iter()
            .filter(|e| e.run == run)
            .map(|e| e.generation)
            .collect();
        generations.dedup();
        generations.len()
    };
    let resumed = started
        .values()
        .filter(|run| generations_of(&run.to_string()) > 1)
        .count();
    let mut keys: Vec<(&str, u32)> = entries
        .iter()
        .map(|e| (e.key.as_str(), e.generation))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let ran_again = keys.windows(2).filter(|w| w[0].0 == w[1].0).count();
    eprintln!("crash test: {resumed} of {runs} runs resumed, {ran_again} executions ran again");
    assert!(resumed > 0 && ran_again > 0, "no kill interrupted anything");
    let every_start = std::fs::read_to_string(dir.join("started")).unwrap_or_default();
    for entry in &entries {
        assert!(
            every_start.contains(&entry.run),
            "a step of unknown run {}",
            entry.run
        );
    }
}
