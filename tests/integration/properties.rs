//! Properties over random DAGs and random bytes.

use std::collections::{BTreeSet, HashSet};

use dataprep_lineage::graph::{compare_ids, StageIx};
use dataprep_lineage::{Analysis, JobSummary, LineageGraph};
use proptest::prelude::*;
use serde_json::{json, Value};

const STATUSES: [i64; 7] = [1, 1, 0, 2, -1, -2, -3];
const RULES: [&str; 9] = [
    "ALL_SUCCESS",
    "one_success",
    "ALL_DONE",
    "none_failed",
    "ALL_DONE_MIN_ONE_SUCCESS",
    "ONE_FAILED",
    "ALWAYS",
    "bogus",
    "",
];

#[derive(Debug, Clone)]
pub(crate) struct Dag {
    ids: Vec<String>,
    parents: Vec<Vec<usize>>,
    status: Vec<i64>,
    rule: Vec<Option<&'static str>>,
    duration: Vec<Option<(i64, i64)>>,
}

pub(crate) fn dag(max: usize) -> impl Strategy<Value = Dag> {
    (1..max).prop_flat_map(|n| {
        (
            // Ids: digits, zero-padded digits, or letters, so every tie-break rule is exercised.
            proptest::collection::vec(
                prop_oneof![
                    (0u32..500).prop_map(|i| i.to_string()),
                    (0u32..50).prop_map(|i| format!("00{i}")),
                    "[a-c]{1,3}"
                ],
                n,
            ),
            proptest::collection::vec(
                proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
                n,
            ),
            proptest::collection::vec(0..STATUSES.len(), n),
            proptest::collection::vec(proptest::option::of(0..RULES.len()), n),
            proptest::collection::vec(proptest::option::of((0i64..1000, 0i64..1000)), n),
        )
            .prop_map(|(raw_ids, parent_picks, status, rule, duration)| {
                // Unique ids: append the position when a generated id repeats.
                let mut seen = HashSet::new();
                let ids: Vec<String> = raw_ids
                    .into_iter()
                    .enumerate()
                    .map(|(i, id)| {
                        if seen.insert(id.clone()) {
                            id
                        } else {
                            format!("{id}x{i}")
                        }
                    })
                    .collect();
                // Parents only among earlier positions: acyclic by construction.
                let parents = parent_picks
                    .iter()
                    .enumerate()
                    .map(|(i, picks)| {
                        if i == 0 {
                            return vec![];
                        }
                        let mut ps: Vec<usize> = picks.iter().map(|p| p.index(i)).collect();
                        ps.sort_unstable();
                        ps.dedup();
                        ps
                    })
                    .collect();
                Dag {
                    ids,
                    parents,
                    status: status.into_iter().map(|i| STATUSES[i]).collect(),
                    rule: rule.into_iter().map(|r| r.map(|r| RULES[r])).collect(),
                    duration: duration
                        .into_iter()
                        .map(|d| d.map(|(s, len)| (s, s + len)))
                        .collect(),
                }
            })
    })
}

pub(crate) fn to_json(d: &Dag) -> Value {
    let n = d.ids.len();
    // Instances in reverse, so document order is not the topological order.
    let instances: Vec<Value> = (0..n)
        .rev()
        .map(|i| {
            json!({"id": d.ids[i], "execution_status": d.status[i],
                "start_time": d.duration[i].map(|t| t.0), "completion_time": d.duration[i].map(|t| t.1),
                "pipelinetask": {"trigger_rule": d.rule[i]}})
        })
        .collect();
    let mappers: serde_json::Map<String, Value> = (0..n)
        .map(|i| {
            (
                d.ids[i].clone(),
                json!(d.parents[i]
                    .iter()
                    .map(|&p| d.ids[p].clone())
                    .collect::<Vec<_>>()),
            )
        })
        .collect();
    json!({"pipelinerun": {"id": "1", "created_time": 0, "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": instances}})
}

/// The order a naive O(V^2) scan picks: repeatedly, the smallest id whose parents are all placed.
fn naive_order(d: &Dag) -> Vec<String> {
    let n = d.ids.len();
    let mut placed = vec![false; n];
    let mut out = Vec::new();
    for _ in 0..n {
        let next = (0..n)
            .filter(|&i| !placed[i] && d.parents[i].iter().all(|&p| placed[p]))
            .min_by(|&a, &b| compare_ids(&d.ids[a], &d.ids[b]))
            .expect("a DAG always has a ready stage");
        placed[next] = true;
        out.push(d.ids[next].clone());
    }
    out
}

/// Culprit sets by the letter of SPEC section 4, with ordinary sets.
fn naive_culprits(d: &Dag, order: &[usize]) -> Vec<BTreeSet<usize>> {
    let failed = |s: i64| (-3..=-1).contains(&s);
    let mut c: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); d.ids.len()];
    for &s in order {
        if d.status[s] == 1 {
            continue;
        }
        let blocking: Vec<usize> = d.parents[s]
            .iter()
            .copied()
            .filter(|&p| failed(d.status[p]) || !c[p].is_empty())
            .collect();
        let any_success = d.parents[s].iter().any(|&p| d.status[p] == 1);
        let rule = d.rule[s].unwrap_or("ALL_SUCCESS").to_ascii_uppercase();
        let propagates = match rule.as_str() {
            "ONE_SUCCESS" | "ALL_DONE_MIN_ONE_SUCCESS" => !any_success,
            "ALL_DONE"
            | "ALL_DONE_SETUP_SUCCESS"
            | "ALL_FAILED"
            | "ONE_FAILED"
            | "ONE_DONE"
            | "NONE_SKIPPED"
            | "ALL_SKIPPED"
            | "ALWAYS"
            | "DUMMY" => false,
            _ => true,
        };
        if !blocking.is_empty() && propagates {
            let mut set = BTreeSet::new();
            for p in blocking {
                if c[p].is_empty() {
                    set.insert(p);
                } else {
                    set.extend(c[p].iter().copied());
                }
            }
            c[s] = set;
        } else if failed(d.status[s]) {
            c[s] = BTreeSet::from([s]);
        }
    }
    c
}

fn analyse<T>(d: &Dag, f: impl FnOnce(&LineageGraph<'_>, &Analysis<'_, '_>) -> T) -> T {
    let summary =
        JobSummary::from_str(crate::support::leak(&to_json(d))).expect("generated input parses");
    let graph = LineageGraph::build(&summary).expect("generated DAG builds");
    let a = Analysis::new(&graph);
    f(&graph, &a)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn order_respects_every_edge_and_matches_the_naive_reference(d in dag(120)) {
        analyse(&d, |g, a| {
            let ids: Vec<String> = a.order.stages().iter().map(|&s| g.stage(s).id.to_owned()).collect();
            prop_assert_eq!(&ids, &naive_order(&d));
            for s in g.stage_indices() {
                for p in g.parents(s) {
                    prop_assert!(g.topological_position(p) < g.topological_position(s));
                    prop_assert!(a.order.level(p) < a.order.level(s));
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn culprits_match_the_spec_and_root_causes_are_sound(d in dag(120)) {
        analyse(&d, |g, a| {
            let pos_of: Vec<StageIx> = d.ids.iter().map(|id| g.stage_by_id(id).unwrap()).collect();
            let topo: Vec<usize> = a.order.stages().iter().map(|&s| d.ids.iter().position(|id| id == g.stage(s).id).unwrap()).collect();
            let want = naive_culprits(&d, &topo);
            for i in 0..d.ids.len() {
                let got: BTreeSet<usize> = a.causes.culprits(g, pos_of[i]).into_iter()
                    .map(|s| d.ids.iter().position(|id| id == g.stage(s).id).unwrap()).collect();
                prop_assert_eq!(&got, &want[i], "stage {}", d.ids[i]);
            }
            for &r in a.causes.root_causes() {
                prop_assert!(g.stage(r).is_failed_like());
                prop_assert_eq!(a.causes.culprits(g, r), vec![r]);
                for &b in &a.blocked(r) {
                    prop_assert!(!g.stage(b).is_success());
                    prop_assert!(a.blast_radius(r).stages.contains(&b));
                }
            }
            Ok(())
        })?;
    }

    /// Every root cause's capped lists are prefixes of its full lists, and
    /// the counts are exact, whatever the cap (the batched bitset pass
    /// against one search per root cause; more than 64 roots at times).
    #[test]
    fn capped_lists_are_prefixes_of_the_full_lists_with_exact_counts(d in dag(160), cap in 0usize..6) {
        analyse(&d, |g, a| {
            let all = a.root_cause_lists(None);
            let capped = a.root_cause_lists(Some(cap));
            prop_assert_eq!(all.len(), a.root_causes().len());
            for ((&r, full), short) in a.root_causes().iter().zip(&all).zip(&capped) {
                let blocked = a.blocked(r);
                let radius = a.blast_radius(r);
                prop_assert_eq!(&full.blocked.items, &blocked);
                prop_assert_eq!(full.blocked.count, blocked.len());
                prop_assert_eq!(&full.radius_stages.items, &radius.stages);
                prop_assert_eq!(&full.radius_data.items, &radius.data);
                prop_assert_eq!(short.blocked.count, blocked.len());
                prop_assert_eq!(short.radius_stages.count, radius.stages.len());
                prop_assert_eq!(short.radius_data.count, radius.data.len());
                prop_assert_eq!(&short.blocked.items[..], &blocked[..blocked.len().min(cap)]);
                prop_assert_eq!(&short.radius_stages.items[..], &radius.stages[..radius.stages.len().min(cap)]);
                prop_assert_eq!(&short.radius_data.items[..], &radius.data[..radius.data.len().min(cap)]);
                // Blocked: exactly the stages whose culprits include the root.
                let naive: Vec<_> = a.order.stages().iter().copied()
                    .filter(|&s| s != r && a.culprits(s).contains(&r)).collect();
                prop_assert_eq!(&blocked, &naive);
            }
            let _ = g;
            Ok(())
        })?;
    }

    #[test]
    fn slack_is_never_negative_and_zero_on_the_critical_path(d in dag(120)) {
        analyse(&d, |g, a| {
            let t = &a.timing;
            for s in g.stage_indices() {
                prop_assert!(t.slack(s) >= 0, "slack of {} is {}", g.stage(s).id, t.slack(s));
            }
            for &s in t.critical_path() {
                prop_assert_eq!(t.slack(s), 0);
            }
            for w in t.critical_path().windows(2) {
                prop_assert!(g.parents(w[1]).any(|p| p == w[0]));
            }
            prop_assert_eq!(t.critical_work(), t.makespan());
            Ok(())
        })?;
    }

    #[test]
    fn makespan_is_the_longest_weighted_path(d in dag(12)) {
        analyse(&d, |g, a| {
            // Brute force: every path from every stage, by explicit stack.
            let dur: Vec<i64> = g.stage_indices().map(|s| a.timing.duration(s)).collect();
            let mut best = 0;
            let mut stack: Vec<(StageIx, i64)> = g.stage_indices().map(|s| (s, dur[s.index()])).collect();
            while let Some((s, len)) = stack.pop() {
                best = best.max(len);
                for c in g.children(s) {
                    stack.push((c, len + dur[c.index()]));
                }
            }
            prop_assert_eq!(a.timing.makespan(), best);
            Ok(())
        })?;
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(s) = JobSummary::from_slice(&bytes) {
            if let Ok(g) = LineageGraph::build(&s) {
                let _ = Analysis::new(&g);
            }
        }
    }

    #[test]
    fn the_parser_never_panics_on_mutated_fixtures(
        file in 0usize..11,
        mutations in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..8),
    ) {
        let files = crate::support::fixtures();
        let mut bytes = std::fs::read(&files[file % files.len()]).unwrap();
        for (at, kind, byte) in mutations {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,                                   // flip a byte
                1 => { bytes.truncate(i); }                            // cut the input
                2 => { let end = (i + 40).min(bytes.len()); bytes.drain(i..end); } // delete a stretch
                _ => {                                                 // replace a value with another JSON kind
                    let repl: &[u8] = match byte % 5 { 0 => b"null", 1 => b"[]", 2 => b"{}", 3 => b"\"x\"", _ => b"-1.5e3" };
                    bytes.splice(i..i, repl.iter().copied());
                }
            }
        }
        if let Ok(s) = JobSummary::from_slice(&bytes) {
            if let Ok(g) = LineageGraph::build(&s) {
                let a = Analysis::new(&g);
                let _ = dataprep_lineage::report::Why::new(&a).to_json();
                let _ = dataprep_lineage::report::Summary::new(&a).to_text(Default::default());
                let _ = dataprep_lineage::dot::render(&a, dataprep_lineage::diagram::View::Lineage);
                let _ = dataprep_lineage::mermaid::render(&a, dataprep_lineage::diagram::View::Lineage);
            }
        }
    }
}

#[test]
fn structured_mutation_deletes_and_retypes_fields_without_panicking() {
    // Replace each field of a fixture, one at a time, by each other JSON kind.
    let text = std::fs::read_to_string(crate::support::fixture(
        "trigger_rules_all_done_and_one_success.json",
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut paths = Vec::new();
    let mut stack = vec![(Vec::<Value>::new(), &doc)];
    while let Some((path, v)) = stack.pop() {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let mut p = path.clone();
                    p.push(json!(k));
                    stack.push((p, child));
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(json!(i));
                    stack.push((p, child));
                }
            }
            _ => {}
        }
        if paths.len() < 4000 {
            paths.push(path);
        }
    }
    for path in paths.iter().step_by(7) {
        for replacement in [
            Value::Null,
            json!("str"),
            json!(12),
            json!([1]),
            json!({"a": 1}),
            json!(true),
        ] {
            let mut d = doc.clone();
            let mut at = &mut d;
            for step in path {
                at = match step {
                    Value::String(k) => &mut at[k.as_str()],
                    Value::Number(i) => &mut at[i.as_u64().unwrap() as usize],
                    _ => unreachable!(),
                };
            }
            *at = replacement;
            if let Ok(s) = JobSummary::from_str(crate::support::leak(&d)) {
                if let Ok(g) = LineageGraph::build(&s) {
                    let a = Analysis::new(&g);
                    let _ = dataprep_lineage::report::Why::new(&a).to_text(Default::default());
                }
            }
        }
    }
}

/// Where a sentinel is put inside a failing stage's task instance.
fn place(instance: &mut Value, depth: usize, key: &str, text: &str) {
    match depth {
        0 => instance[key] = json!(text),
        1 => instance["rawdatasetaudit"] = json!({"id": "r", key: text}),
        2 => instance["datasetaudit"] = json!({"id": "d", "datasetstate": {"id": "s", key: text}}),
        3 => instance["logs"] = json!([{"level": "ERROR", key: text}]),
        _ => instance["vendor_ext"] = json!({"a": [{"b": {key: text}}]}),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// Nothing lost: every failure text of a root cause reaches both reports verbatim.
    #[test]
    fn every_sentinel_reaches_the_json_and_text_reports(
        stages in proptest::collection::vec((any::<bool>(), 0usize..5, any::<bool>(), "[a-zA-Z0-9 '\"<>&\\\\é-]{0,12}"), 1..25),
    ) {
        let mut instances = Vec::new();
        let mut mappers = serde_json::Map::new();
        let mut sentinels = Vec::new();
        for (i, (failed, depth, error_key, noise)) in stages.iter().enumerate() {
            let id = (1000 + i).to_string();
            let mut inst = json!({"id": id, "execution_status": if *failed { -1 } else { 1 },
                "pipelinetask": {"name": format!("stage {i}"), "trigger_rule": "ALL_DONE"}});
            if *failed {
                let sentinel = format!("SENTINEL-{i}-{noise}");
                place(&mut inst, *depth, if *error_key { "error_message" } else { "message" }, &sentinel);
                sentinels.push(sentinel);
            }
            mappers.insert(id.clone(), if i == 0 { json!([]) } else { json!([(999 + i).to_string()]) });
            instances.push(inst);
        }
        let doc = json!({"pipelinerun": {"id": "1", "execution_status": -1, "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": instances}});
        let summary = JobSummary::from_str(crate::support::leak(&doc)).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        let a = Analysis::new(&graph);
        let why_json = dataprep_lineage::report::Why::new(&a).to_json();
        let parsed: Value = serde_json::from_str(&why_json).unwrap();
        let texts: Vec<String> = parsed["root_causes"].as_array().unwrap().iter()
            .flat_map(|r| r["evidence"].as_array().unwrap().iter().map(|e| e["text"].as_str().unwrap().to_owned()))
            .collect();
        // Every root cause, every text: `--all`.
        let text = dataprep_lineage::report::Why::with_caps(&a, dataprep_lineage::report::Caps::ALL)
            .to_text(dataprep_lineage::report::text::TextOptions { caps: dataprep_lineage::Caps::ALL, ..Default::default() });
        for s in &sentinels {
            prop_assert!(texts.contains(s), "{s:?} missing from JSON evidence {texts:?}");
            prop_assert!(text.contains(s.as_str()), "{s:?} missing from the text report");
        }
    }
}
