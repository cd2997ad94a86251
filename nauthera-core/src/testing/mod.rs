//! Support for tests of the flows and of storage backends (feature `testing`): an in-memory store and a
//! minimal executor for core's own futures ([`crate::time::FixedClock`] is the clock tests move by hand).
//!
//! Core's flows never wait on I/O of their own, so `block_on` can drive them without an async runtime.

mod memory_people;
mod memory_store;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

pub use memory_store::MemoryStore;

/// Runs a future to completion on the current thread, parking it while the future waits (for example for a
/// password-hashing worker).
pub fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}
