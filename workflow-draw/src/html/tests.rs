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
