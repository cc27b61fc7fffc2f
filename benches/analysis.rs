//! Benchmarks: parse (against the `IgnoredAny` floor on the same bytes),
//! parse + build, each analysis on a built graph, and end-to-end `why` and
//! `critical-path` (parse → build → analyse → render), at 100, 1,000 and
//! 10,000 stages; plus the graph work on a 1,000,000-stage minimal chain.
//!
//! Run with `cargo bench`; see BENCHMARKS.md for the figures and how to read them.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dataprep_lineage::diagram::View;
use dataprep_lineage::report;
use dataprep_lineage::{Analysis, Causes, JobSummary, LineageGraph, Order, Timing};
use std::hint::black_box;

const SIZES: [usize; 3] = [100, 1_000, 10_000];

fn inputs() -> Vec<(usize, Vec<u8>)> {
    SIZES
        .iter()
        .map(|&n| {
            (
                n,
                common::generate(n, common::Shape::Layered, 97).into_bytes(),
            )
        })
        .collect()
}

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.sample_size(10);
    for (n, bytes) in inputs() {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(
            BenchmarkId::new("floor_ignored_any", n),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    serde_json::from_slice::<serde::de::IgnoredAny>(black_box(bytes)).unwrap()
                })
            },
        );
        g.bench_with_input(BenchmarkId::new("parse", n), &bytes, |b, bytes| {
            b.iter(|| JobSummary::from_slice(black_box(bytes)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("parse_build", n), &bytes, |b, bytes| {
            b.iter(|| {
                let s = JobSummary::from_slice(black_box(bytes)).unwrap();
                LineageGraph::build(&s).unwrap().stages().len()
            })
        });
    }
    g.finish();
}

fn analyses(c: &mut Criterion) {
    let mut g = c.benchmark_group("analyses");
    g.sample_size(10);
    for (n, bytes) in inputs() {
        let summary = JobSummary::from_slice(&bytes).unwrap();
        let graph = LineageGraph::build(&summary).unwrap();
        g.bench_function(BenchmarkId::new("order", n), |b| {
            b.iter(|| Order::of(black_box(&graph)))
        });
        g.bench_function(BenchmarkId::new("causes", n), |b| {
            b.iter(|| Causes::analyse(black_box(&graph)))
        });
        g.bench_function(BenchmarkId::new("timing", n), |b| {
            b.iter(|| Timing::analyse(black_box(&graph)))
        });
    }
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10);
    for (n, bytes) in inputs() {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("why", n), &bytes, |b, bytes| {
            b.iter(|| {
                let s = JobSummary::from_slice(black_box(bytes)).unwrap();
                let graph = LineageGraph::build(&s).unwrap();
                let a = Analysis::new(&graph);
                report::Why::new(&a).to_json().len()
                    + report::Why::new(&a).to_text(Default::default()).len()
            })
        });
        g.bench_with_input(BenchmarkId::new("critical_path", n), &bytes, |b, bytes| {
            b.iter(|| {
                let s = JobSummary::from_slice(black_box(bytes)).unwrap();
                let graph = LineageGraph::build(&s).unwrap();
                let a = Analysis::new(&graph);
                report::CriticalPath::new(&a).to_json().len()
            })
        });
    }
    g.finish();
}

/// The HTML page on an analysed run: the page model (report, diagram
/// within its 200-stage budget, timeline) and its rendering, layered layout
/// included; and the layout's share alone, on the drawn diagram.
fn html_page(c: &mut Criterion) {
    let mut g = c.benchmark_group("html");
    g.sample_size(10);
    for (n, bytes) in inputs() {
        let s = JobSummary::from_slice(&bytes).unwrap();
        let graph = LineageGraph::build(&s).unwrap();
        let a = Analysis::new(&graph);
        g.bench_function(BenchmarkId::new("page", n), |b| {
            b.iter(|| {
                let page = report::html::RunPage::new(black_box(&a), View::Stages);
                let mut out = Vec::new();
                report::html::run(&mut out, &page).unwrap();
                out.len()
            })
        });
        let page = report::html::RunPage::new(&a, View::Stages);
        g.bench_function(BenchmarkId::new("render", n), |b| {
            b.iter(|| {
                let mut out = Vec::new();
                report::html::run(&mut out, black_box(&page)).unwrap();
                out.len()
            })
        });
    }
    g.finish();
}

fn million_chain(c: &mut Criterion) {
    let mut g = c.benchmark_group("chain_1m");
    g.sample_size(10);
    let bytes = common::minimal_chain(1_000_000, 500_000).into_bytes();
    let summary = JobSummary::from_slice(&bytes).unwrap();
    g.bench_function("build", |b| {
        b.iter(|| {
            LineageGraph::build(black_box(&summary))
                .unwrap()
                .stages()
                .len()
        })
    });
    let graph = LineageGraph::build(&summary).unwrap();
    g.bench_function("analyse", |b| {
        b.iter(|| Analysis::new(black_box(&graph)).causes.root_causes().len())
    });
    g.finish();
}

criterion_group!(
    benches,
    parse,
    analyses,
    end_to_end,
    html_page,
    million_chain
);
criterion_main!(benches);
