//! A workflow extending one of another module: the base's event types are not in scope where
//! the derived workflow is, and need not be; the base is named through an import or a path.

mod base {
    use eventflow::prelude::*;

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub struct Asked(pub String);

    #[derive(Clone, Serialize, Deserialize, Event)]
    pub struct Answered(pub String);

    pub struct Desk {
        pub greeting: String,
    }

    #[workflow(extendable)]
    impl Desk {
        #[step]
        async fn ask(&self, ev: StartEvent<String>) -> OneOf![Asked | Answered] {
            if ev.input.is_empty() {
                DeskAskOutput::Answered(Answered(self.greeting.clone()))
            } else {
                DeskAskOutput::Asked(Asked(ev.input))
            }
        }

        #[step]
        async fn answer(&self, ev: Asked) -> Answered {
            Answered(format!("{}, {}", self.greeting, ev.0))
        }

        #[step]
        async fn reply(&self, ev: Answered) -> StopEvent<String> {
            StopEvent::new(ev.0)
        }
    }
}

mod imported {
    use crate::base::Desk;
    use eventflow::prelude::*;

    pub struct Kiosk {
        pub desk: Desk,
    }

    // Nothing replaced: the kiosk is the desk under another name.
    #[workflow(extends(Desk, via = desk))]
    impl Kiosk {}
}

mod by_path {
    use eventflow::prelude::*;

    pub struct Loud(pub crate::base::Desk);

    #[workflow(extends(crate::base::Desk, via = 0))]
    impl Loud {
        #[step(replaces)]
        async fn reply(&self, ev: crate::base::Answered) -> StopEvent<String> {
            StopEvent::new(ev.0.to_uppercase())
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    use eventflow::Runner;
    let desk = || base::Desk {
        greeting: "hello".into(),
    };
    let kiosk = Runner::new(imported::Kiosk { desk: desk() });
    assert_eq!(kiosk.run("ana".to_string()).await.ok().as_deref(), Some("hello, ana"));
    assert_eq!(kiosk.run(String::new()).await.ok().as_deref(), Some("hello"));
    let loud = Runner::new(by_path::Loud(desk()));
    assert_eq!(loud.run("bo".to_string()).await.ok().as_deref(), Some("HELLO, BO"));
}
