//! The page's promises: complete, escaped, deterministic.

use super::*;
use crate::diagram::{Emphasis, Link, LinkKind, Node, NodeKind};
use crate::layout::samples;

#[test]
fn the_same_diagram_gives_the_same_page() {
    for (name, d) in samples::all() {
        assert_eq!(html(&d), html(&d.clone()), "{name}");
    }
}

#[test]
fn every_node_is_a_group_with_its_id_kind_and_tooltip() {
    let d = samples::everything();
    let page = html(&d);
    for node in &d.nodes {
        let open = format!(r#"<g id="{}" class="node {}"#, node.id, class(node.kind));
        assert!(page.contains(&open), "{open}");
    }
    assert!(
        page.contains("<title>call (step)\n8 workers\nretries</title>"),
        "{page}"
    );
    assert!(page.contains(r#"class="link fan-out" data-from="n0" data-to="n7""#));
    assert!(page.contains(">join first 2</text>"));
}

#[test]
fn text_from_the_diagram_is_escaped_everywhere() {
    let evil = r#"<script>alert('x')</script> & "q""#;
    let d = Diagram {
        title: evil.into(),
        subtitle: Some(evil.into()),
        nodes: vec![
            Node {
                id: r#"a"><script>"#.into(),
                label: evil.into(),
                kind: NodeKind::Step,
                badges: vec![evil.into()],
                emphasis: Emphasis::Error,
            },
            Node {
                id: "b".into(),
                label: "b".into(),
                kind: NodeKind::Internal,
                badges: Vec::new(),
                emphasis: Emphasis::Faint,
            },
        ],
        links: vec![Link {
            from: 0,
            to: 1,
            kind: LinkKind::Sends,
            label: Some(evil.into()),
        }],
        notes: vec![evil.into()],
        groups: Vec::new(),
    };
    let page = html(&d);
    // The page's own script is the only one.
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    assert!(!page.contains("alert('x')"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert!(page.contains(r#"<g id="a&quot;&gt;&lt;script&gt;" class="node step error">"#));
    assert!(page.contains(r#"class="node event faint""#));
}

#[test]
fn the_page_loads_nothing_from_anywhere() {
    for (name, d) in samples::all() {
        let page = html(&d);
        let outside = page.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
        for needle in [
            "http://", "https://", "src=", "href=", "@import", "url(http",
        ] {
            assert!(!outside.contains(needle), "{name}: {needle}");
        }
        assert!(page.contains("default-src 'none'"));
    }
}

#[test]
fn groups_are_balanced_and_the_page_is_complete() {
    for (name, d) in samples::all() {
        let page = html(&d);
        assert_eq!(
            page.matches("<g ").count(),
            page.matches("</g>").count(),
            "{name}"
        );
        assert_eq!(
            page.matches("<svg").count(),
            page.matches("</svg>").count(),
            "{name}"
        );
        assert!(
            page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"),
            "{name}"
        );
        assert!(page.contains(r#"document.body.dataset.eventflow = "ready""#));
    }
}

#[test]
fn notes_are_listed_in_order_and_a_legend_explains_what_is_drawn() {
    let mut d = samples::everything();
    d.notes = vec!["first".into(), "second".into()];
    let page = html(&d);
    let first = page.find("<li>first</li>");
    let second = page.find("<li>second</li>");
    assert!(first.is_some() && first < second, "{page}");
    for text in [
        "Error-recovery step",
        "Fans out",
        "Joins",
        "Streams",
        "Fails",
        "Sends",
    ] {
        assert!(page.contains(&format!("</svg>{text}</li>")), "{text}");
    }
    // Nothing loops in this workflow, so the legend does not mention loops.
    assert!(!page.contains("Loops back"));
    assert!(html(&samples::feedback_monitor()).contains("Loops back"));
    assert!(!html(&samples::feedback_monitor()).contains("class=\"notes\""));
}

#[test]
fn a_host_page_frames_each_workflow_and_draws_the_events_between_them() {
    let d = samples::host();
    let page = html(&d);
    for (id, label) in [
        ("monitor", "Monitor"),
        ("orders", "Orders"),
        ("audit", "Audit"),
    ] {
        let frame = format!(
            r#"<g id="group-{id}" class="group"><title>{label}</title><rect class="frame" "#
        );
        assert!(page.contains(&frame), "{frame}");
    }
    // Frames come first, under the lines and nodes.
    let frames = page.find(r#"<g class="groups">"#);
    assert!(frames.is_some() && frames < page.find(r#"<g class="links">"#));
    for (kind, from, to) in [
        ("starts", "monitor-event-trade", "orders-event-trade"),
        ("starts", "monitor-event-trade", "audit-event-trade"),
        ("crosses", "orders-event-settled", "monitor-event-settled"),
        ("runs", "orders-step-trade", "orders-child-payments"),
    ] {
        let link = format!(r#"<g class="link {kind}" data-from="{from}" data-to="{to}">"#);
        assert!(page.contains(&link), "{link}");
    }
    assert!(page.contains(r#"<marker id="ef-arrow-starts""#));
    // Published and subscribed events are parallelograms; a child workflow has its bars.
    for id in ["monitor-event-trade", "monitor-event-settled"] {
        let at = page.find(&format!(r#"<g id="{id}" "#)).unwrap_or(0);
        let node = &page[at..at + page[at..].find("</g>").unwrap_or(0)];
        assert!(node.contains(r#"<path class="shape" d="M"#), "{node}");
    }
    let at = page
        .find(r#"<g id="orders-child-payments" class="node child">"#)
        .unwrap_or(0);
    assert!(
        page[at..]
            .split("</g>")
            .next()
            .is_some_and(|n| n.contains(r#"<path class="bars""#))
    );
    for text in [
        "Event handed to other workflows (published)",
        "Event taken from other workflows (subscribed)",
        "Child workflow a step runs",
        "Runs as a child",
        "Starts a run of another workflow",
        "Reaches another workflow&#39;s subscribed runs",
        "Workflow of the host",
    ] {
        assert!(page.contains(&format!("</svg>{text}</li>")), "{text}");
    }
    // One workflow's page has no frames to explain.
    assert!(!html(&samples::everything()).contains("Workflow of the host"));
}
