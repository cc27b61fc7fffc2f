//! A chat bot's job after a pipeline run: parse the Job Summary API
//! response, and post the root cause — as Markdown, ready for a chat message,
//! an issue or a pull-request comment — or say the run is fine.
//!
//! ```sh
//! cargo run --example bot -- fixtures/failed_transform_blocks_exports.json
//! ```
//!
//! The report is owned (`report::Why`): the bot can keep it, queue it or
//! send it to another task after the response's bytes are gone.

use std::process::ExitCode;

use dataprep_lineage::diagram::{DiagramOptions, Focus, View};
use dataprep_lineage::report::{self, markdown::MarkdownOptions};
use dataprep_lineage::{Analysis, JobSummary, LineageGraph, Status};

/// What the bot posts for one run; `None` when there is nothing to say.
fn message_for(bytes: &[u8]) -> Result<Option<String>, dataprep_lineage::Error> {
    let summary = JobSummary::from_slice(bytes)?;
    let graph = LineageGraph::build(&summary)?;
    let analysis = Analysis::new(&graph);
    let why = report::Why::new(&analysis);
    if why.run.run.status == Status::Success && why.outcome.run_causes.is_empty() {
        return Ok(None);
    }
    // The headline: the first root cause and the most specific thing the
    // response says about it, then the whole report with the diagram.
    let mut post = String::new();
    if let Some(cause) = why.root_causes.first() {
        let said = cause
            .headline
            .as_ref()
            .map_or("(the response holds no message)", |e| e.text.as_str());
        post.push_str(&format!(
            "**{}** failed first: {}\n\n",
            report::markdown::escape(cause.stage.name_or_id()),
            report::markdown::escape(said)
        ));
    }
    // What the failure touched, at most 200 stages: a chat message stays
    // small and Mermaid draws it, however big the run.
    let mut diagram = Vec::new();
    let options = DiagramOptions::new(View::Stages, Focus::Failure);
    dataprep_lineage::mermaid::write_with(&mut diagram, &analysis, options)
        .expect("writing to a Vec cannot fail");
    let diagram = String::from_utf8_lossy(&diagram).into_owned();
    post.push_str(&why.to_markdown(&MarkdownOptions {
        diagram: Some(diagram),
        ..MarkdownOptions::default()
    }));
    Ok(Some(post))
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: bot RESPONSE.json");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    match message_for(&bytes) {
        Ok(Some(post)) => print!("{post}"),
        Ok(None) => println!("Run succeeded: nothing to post."),
        // An unusable response is worth a message too: say what was wrong.
        Err(e) => println!("Could not analyse the run's summary: {e}"),
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::message_for;

    /// The post opens with the most specific message (the rule that
    /// failed), not the first one the response holds ("Transform failed
    /// after 1 retry"), and a successful run posts nothing.
    #[test]
    fn the_post_leads_with_the_headline() {
        let dir = env!("CARGO_MANIFEST_DIR");
        let failed = std::fs::read(format!(
            "{dir}/fixtures/failed_transform_blocks_exports.json"
        ))
        .expect("fixture");
        let post = message_for(&failed).expect("parses").expect("a post");
        let first = post.lines().next().expect("a line");
        assert!(first.contains("Rule 7 (Merge columns)"), "{first}");
        assert!(post.contains("```mermaid"));
        let ok = std::fs::read(format!("{dir}/fixtures/successful_multi_source_run.json"))
            .expect("fixture");
        assert_eq!(message_for(&ok).expect("parses"), None);
    }
}
