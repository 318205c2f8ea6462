// An extendable base, and a workflow that keeps two of its steps, replaces one, removes one
// and adds two.
#[workflow(extendable, state = Notes)]
impl Pipeline {
    #[step]
    async fn draft(&self, ev: StartEvent<String>) -> OneOf![Drafted | Skipped] {
        Drafted(ev.input).into()
    }

    #[step(retry = RetryPolicy::immediate().max_attempts(self.attempts))]
    async fn review(&self, ctx: &Context<Notes>, ev: Drafted) -> Reviewed {
        Reviewed(ev.0)
    }

    #[step]
    async fn skip(&self, _ev: Skipped) -> StopEvent<String> {
        StopEvent::new(String::new())
    }

    #[step]
    async fn publish(&self, ev: Reviewed) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }
}

#[workflow(extends(Pipeline, via = base, without(skip)))]
impl Strict {
    #[step(replaces)]
    async fn publish(&self, ev: Reviewed) -> OneOf![Flagged | StopEvent<String>] {
        Flagged(ev.0).into()
    }

    #[step]
    async fn flag(&self, ev: Flagged) -> StopEvent<String> {
        StopEvent::new(ev.0)
    }

    #[step]
    async fn ignore(&self, _ev: Skipped) -> StopEvent<String> {
        StopEvent::new("ignored".to_owned())
    }
}
