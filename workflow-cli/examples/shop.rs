//! A host for the `eventflow` command to draw: the storefront publishes each order, which
//! starts a warehouse run (packing it in a child workflow) and a mailer run; the warehouse
//! publishes the receipt back to the storefront's run that asked.
//!
//! `cargo run -p eventflow-cli -- draw --example shop -p eventflow-cli`

use eventflow::prelude::*;

#[derive(Clone, Serialize, Deserialize, Event)]
struct Order(String);

#[derive(Clone, Serialize, Deserialize, Event)]
struct Receipt(String);

struct Storefront;

#[workflow(publishes(Order), subscribes(Receipt))]
impl Storefront {
    #[step(sends(Order))]
    async fn checkout(
        &self,
        ctx: &Context,
        ev: StartEvent<String>,
    ) -> Result<StopEvent<String>, WaitError> {
        ctx.send_event(Order(ev.input));
        let receipt = ctx.wait_for_event::<Receipt>().await?;
        Ok(StopEvent::new(receipt.0))
    }
}

struct Packing;

#[workflow]
impl Packing {
    #[step]
    async fn pack(&self, ev: StartEvent<String>) -> StopEvent<String> {
        StopEvent::new(format!("{} packed", ev.input))
    }
}

struct Warehouse {
    packing: Runner<Packing>,
}

#[workflow(start = Order, publishes(Receipt))]
impl Warehouse {
    #[step(sends(Receipt), runs(Packing))]
    async fn ship(&self, ctx: &Context, ev: Order) -> Result<StopEvent, WorkflowError> {
        let packed = ctx.child(&self.packing).run(ev.0).await?;
        ctx.send_event(Receipt(packed));
        Ok(StopEvent::new(()))
    }
}

struct Mailer;

#[workflow(start = Order)]
impl Mailer {
    #[step]
    async fn mail(&self, ev: Order) -> StopEvent {
        let _ = ev.0;
        StopEvent::new(())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let host = eventflow::host![
        Storefront => Runner::new(Storefront),
        Warehouse => Runner::new(Warehouse { packing: Runner::new(Packing) }),
        Mailer => Runner::new(Mailer),
    ]?;
    let receipt = host.run::<Storefront>("a teapot".to_string())?.await?;
    host.idle().await;
    println!("{receipt}");
    Ok(())
}
