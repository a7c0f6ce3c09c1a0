//! The recommendation task limiter: at most N recommendation tasks at once, the next one is
//! answered 503 `Server busy.`.
//!
//! The reference counted tasks by hand, incremented before and decremented after the work
//! with no `finally`, so every exception leaked a slot and after five a worker answered 503
//! forever; its capacity check also sat outside its lock. Here a slot is a semaphore permit
//! held by a guard: it is returned when the guard is dropped, whatever way the request ends
//! (success, error, early return, panic, or the client going away and the future being
//! dropped), and taking one is a single atomic operation, so 503 means exactly "N tasks are
//! running now".

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bounds concurrent recommendation tasks.
#[derive(Debug, Clone)]
pub(crate) struct TaskLimiter {
    permits: Arc<Semaphore>,
    capacity: usize,
}

/// One running task; dropping it frees the slot.
#[derive(Debug)]
pub(crate) struct TaskGuard {
    _permit: OwnedSemaphorePermit,
}

impl TaskLimiter {
    /// A limiter of `capacity` tasks (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.clamp(1, Semaphore::MAX_PERMITS);
        TaskLimiter {
            permits: Arc::new(Semaphore::new(capacity)),
            capacity,
        }
    }

    /// A slot, or `None` when all are taken.
    pub(crate) fn try_start(&self) -> Option<TaskGuard> {
        self.permits
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|permit| TaskGuard { _permit: permit })
    }

    /// Tasks running now.
    pub(crate) fn running(&self) -> usize {
        self.capacity - self.permits.available_permits()
    }

    /// The capacity.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[test]
    fn counts_up_and_down_and_refuses_at_capacity() {
        let l = TaskLimiter::new(2);
        assert_eq!(l.running(), 0);
        let a = l.try_start().expect("first");
        assert_eq!(l.running(), 1);
        let b = l.try_start().expect("second");
        assert_eq!(l.running(), 2);
        assert!(l.try_start().is_none(), "at capacity");
        drop(a);
        assert_eq!(l.running(), 1);
        let c = l.try_start().expect("a slot was freed");
        drop((b, c));
        assert_eq!(l.running(), 0);
        assert_eq!(TaskLimiter::new(0).capacity(), 1);
    }

    #[test]
    fn a_panicking_task_returns_its_slot() {
        let l = TaskLimiter::new(1);
        let l2 = l.clone();
        let r = std::thread::spawn(move || {
            let _guard = l2.try_start().expect("slot");
            panic!("task failed");
        })
        .join();
        assert!(r.is_err());
        assert_eq!(l.running(), 0);
        assert!(l.try_start().is_some());
    }

    /// The reference's test: six threads against a capacity of five, all holding their slot
    /// at the same time; exactly one is refused.
    #[test]
    fn six_threads_against_five_slots_refuse_exactly_one() {
        let l = TaskLimiter::new(5);
        let started = Arc::new(Barrier::new(6));
        let finish = Arc::new(Barrier::new(6));
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (l, started, finish) = (l.clone(), started.clone(), finish.clone());
                std::thread::spawn(move || {
                    started.wait();
                    let guard = l.try_start();
                    // Hold the slot until every thread has tried.
                    finish.wait();
                    guard.is_some()
                })
            })
            .collect();
        let ok = handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .filter(|ok| *ok)
            .count();
        assert_eq!(ok, 5);
        assert_eq!(l.running(), 0);
    }
}
