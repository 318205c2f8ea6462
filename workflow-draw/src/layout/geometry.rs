//! Points, rectangles and paths: the coordinates every other layout stage trades in.

/// A point of the drawing, y growing downwards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub(crate) x: f64,
    pub(crate) y: f64,
}

impl Point {
    pub(crate) const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
}

pub(crate) fn distance(a: Point, b: Point) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// An axis-aligned rectangle given by its top-left corner and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

impl Rect {
    pub(crate) fn centered(center: Point, w: f64, h: f64) -> Self {
        Self {
            x: center.x - w / 2.0,
            y: center.y - h / 2.0,
            w,
            h,
        }
    }

    pub(crate) fn right(&self) -> f64 {
        self.x + self.w
    }

    pub(crate) fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two rectangles come closer than `margin` to each other.
    pub(crate) fn overlaps(&self, other: &Self, margin: f64) -> bool {
        self.x < other.right() + margin
            && other.x < self.right() + margin
            && self.y < other.bottom() + margin
            && other.y < self.bottom() + margin
    }

    pub(crate) fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }
}

/// One piece of a [`Path`], ending at its last point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Segment {
    Line(Point),
    Quad(Point, Point),
    Cubic(Point, Point, Point),
}

impl Segment {
    pub(crate) fn end(&self) -> Point {
        match *self {
            Self::Line(p) | Self::Quad(_, p) | Self::Cubic(_, _, p) => p,
        }
    }

    /// The point at parameter `t` in `0..=1`, the segment starting at `from`.
    pub(crate) fn at(&self, from: Point, t: f64) -> Point {
        let u = 1.0 - t;
        match *self {
            Self::Line(p) => Point::new(from.x * u + p.x * t, from.y * u + p.y * t),
            Self::Quad(c, p) => Point::new(
                u * u * from.x + 2.0 * u * t * c.x + t * t * p.x,
                u * u * from.y + 2.0 * u * t * c.y + t * t * p.y,
            ),
            Self::Cubic(c1, c2, p) => Point::new(
                u * u * u * from.x
                    + 3.0 * u * u * t * c1.x
                    + 3.0 * u * t * t * c2.x
                    + t * t * t * p.x,
                u * u * u * from.y
                    + 3.0 * u * u * t * c1.y
                    + 3.0 * u * t * t * c2.y
                    + t * t * t * p.y,
            ),
        }
    }

    fn points(&self) -> impl Iterator<Item = Point> {
        let (a, b, c) = match *self {
            Self::Line(p) => (None, None, p),
            Self::Quad(c, p) => (Some(c), None, p),
            Self::Cubic(c1, c2, p) => (Some(c1), Some(c2), p),
        };
        a.into_iter().chain(b).chain(std::iter::once(c))
    }
}

/// A line drawn from `start` through its segments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    pub(crate) start: Point,
    pub(crate) segments: Vec<Segment>,
}

impl Path {
    pub(crate) fn new(start: Point) -> Self {
        Self {
            start,
            segments: Vec::new(),
        }
    }

    pub(crate) fn end(&self) -> Point {
        self.segments.last().map_or(self.start, Segment::end)
    }

    /// A straight line to `to`, unless that is where the path already is: a line of no length
    /// has no direction, and an arrowhead on it would point anywhere.
    pub(crate) fn line(&mut self, to: Point) {
        if distance(to, self.end()) > 0.01 {
            self.segments.push(Segment::Line(to));
        }
    }

    pub(crate) fn quad(&mut self, control: Point, to: Point) {
        self.segments.push(Segment::Quad(control, to));
    }

    /// An S-bend to `to` that leaves and arrives vertically, which is how every edge crosses
    /// the gap between two layers.
    pub(crate) fn bend(&mut self, to: Point) {
        let from = self.end();
        if (from.x - to.x).abs() < 0.5 {
            self.line(to);
            return;
        }
        let mid = (from.y + to.y) / 2.0;
        self.segments.push(Segment::Cubic(
            Point::new(from.x, mid),
            Point::new(to.x, mid),
            to,
        ));
    }

    /// Every point and control point: the curves lie in their hull, so these bound the path.
    pub(crate) fn hull(&self) -> impl Iterator<Item = Point> + '_ {
        std::iter::once(self.start).chain(self.segments.iter().flat_map(Segment::points))
    }

    /// Each segment with the point it starts from.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = (Point, Segment)> + '_ {
        let starts = std::iter::once(self.start).chain(self.segments.iter().map(Segment::end));
        starts.zip(self.segments.iter().copied())
    }

    /// Points along the whole path, `per_segment` on each piece.
    pub(crate) fn samples(&self, per_segment: usize) -> Vec<Point> {
        let n = per_segment.max(1);
        let mut out = vec![self.start];
        for (from, seg) in self.pieces() {
            out.extend((1..=n).map(|i| seg.at(from, i as f64 / n as f64)));
        }
        out
    }

    pub(crate) fn shift(&mut self, dx: f64, dy: f64) {
        let mv = |p: &mut Point| {
            p.x += dx;
            p.y += dy;
        };
        mv(&mut self.start);
        for seg in &mut self.segments {
            match seg {
                Segment::Line(p) => mv(p),
                Segment::Quad(c, p) => {
                    mv(c);
                    mv(p);
                }
                Segment::Cubic(c1, c2, p) => {
                    mv(c1);
                    mv(c2);
                    mv(p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangles_overlap_only_when_they_come_close() {
        let a = Rect::centered(Point::new(0.0, 0.0), 10.0, 10.0);
        let b = Rect::centered(Point::new(12.0, 0.0), 10.0, 10.0);
        assert!(!a.overlaps(&b, 0.0));
        assert!(a.overlaps(&b, 3.0));
        assert!(a.overlaps(&Rect::centered(Point::new(3.0, 3.0), 2.0, 2.0), 0.0));
    }

    #[test]
    fn a_bend_leaves_and_arrives_vertically() {
        let mut path = Path::new(Point::new(0.0, 0.0));
        path.bend(Point::new(40.0, 100.0));
        let Some(Segment::Cubic(c1, c2, end)) = path.segments.first().copied() else {
            panic!("a bend between different x is a cubic: {path:?}");
        };
        assert_eq!((c1.x, c2.x, end), (0.0, 40.0, Point::new(40.0, 100.0)));
        let mid = path.segments[0].at(path.start, 0.5);
        assert!((mid.x - 20.0).abs() < 1e-9 && (mid.y - 50.0).abs() < 1e-9);
    }
}
