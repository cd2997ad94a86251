//! Password hashing off the async executor: a fixed pool of worker threads, each with its own argon2id working
//! memory, fed by a bounded queue.
//!
//! argon2id at OWASP's parameters costs tens of milliseconds of CPU and 19 MiB of memory per hash. Running it
//! on whichever thread is free (a blocking pool of hundreds of threads) lets a sign-in flood allocate that
//! memory hundreds of times over and starve every other request. Here at most `workers` hashes run at once,
//! each in a buffer allocated once; a request that cannot start within `max_wait` is refused with
//! [`Error::Overloaded`] (the HTTP layer answers `503` with `Retry-After`) instead of queueing without end.

mod hash;

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use hash::{Argon2Memory, PasswordHash};

use crate::error::Error;
use crate::random::Random;
use crate::secret::Password;

/// How password hashing is bounded.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PasswordHashingConfig {
    /// How many hashes run at once, each with its own 19 MiB buffer (default: the number of CPUs).
    pub workers: usize,
    /// How long a hash may wait for a worker before it is refused with `503` (default 2 seconds).
    pub max_wait: Duration,
    /// How many hashes may wait at most (default 1,024); more are refused at once.
    pub queue: usize,
}

impl Default for PasswordHashingConfig {
    fn default() -> Self {
        Self {
            workers: std::thread::available_parallelism().map_or(2, usize::from),
            max_wait: Duration::from_secs(2),
            queue: 1024,
        }
    }
}

/// The bounded pool that hashes and verifies passwords.
pub struct PasswordHasher {
    sender: SyncSender<Job>,
    max_wait: Duration,
    workers: usize,
}

enum Work {
    Hash {
        password: Password,
        salt: [u8; 16],
    },
    Verify {
        hash: PasswordHash,
        password: Password,
    },
}

enum Done {
    Hashed(PasswordHash),
    Verified(bool),
}

struct Job {
    work: Work,
    queued_at: Instant,
    reply: futures_channel::oneshot::Sender<Result<Done, Error>>,
}

impl PasswordHasher {
    /// Starts the worker threads. They stop when the hasher is dropped.
    ///
    /// # Errors
    /// [`Error::Crypto`] when a thread cannot be started.
    pub fn start(config: &PasswordHashingConfig) -> Result<Self, Error> {
        let workers = config.workers.max(1);
        let (sender, receiver) = sync_channel::<Job>(config.queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..workers {
            let receiver = Arc::clone(&receiver);
            let max_wait = config.max_wait;
            std::thread::Builder::new()
                .name(format!("nauthera-argon2-{index}"))
                .spawn(move || work(&receiver, max_wait))
                .map_err(|_| Error::Crypto("cannot start a password hashing thread"))?;
        }
        Ok(Self {
            sender,
            max_wait: config.max_wait,
            workers,
        })
    }

    /// Whether `password` matches `hash`.
    ///
    /// # Errors
    /// [`Error::Overloaded`] when no worker was free within the configured wait.
    pub async fn verify(&self, hash: PasswordHash, password: Password) -> Result<bool, Error> {
        match self.run(Work::Verify { hash, password }).await? {
            Done::Verified(matches) => Ok(matches),
            Done::Hashed(_) => Err(Error::Crypto("password verification failed")),
        }
    }

    /// Hashes a new password under a fresh salt.
    ///
    /// # Errors
    /// [`Error::Overloaded`] when no worker was free within the configured wait; [`Error::Crypto`] when the
    /// random source or hashing fails.
    pub async fn hash(
        &self,
        password: Password,
        random: &dyn Random,
    ) -> Result<PasswordHash, Error> {
        let mut salt = [0_u8; 16];
        random.fill(&mut salt)?;
        match self.run(Work::Hash { password, salt }).await? {
            Done::Hashed(hash) => Ok(hash),
            Done::Verified(_) => Err(Error::Crypto("password hashing failed")),
        }
    }

    async fn run(&self, work: Work) -> Result<Done, Error> {
        let (reply, answer) = futures_channel::oneshot::channel();
        let job = Job {
            work,
            queued_at: Instant::now(),
            reply,
        };
        match self.sender.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(self.overloaded()),
            Err(TrySendError::Disconnected(_)) => {
                return Err(Error::Crypto("password hashing stopped"));
            }
        }
        answer
            .await
            .map_err(|_| Error::Crypto("password hashing stopped"))?
    }

    fn overloaded(&self) -> Error {
        overloaded(self.max_wait)
    }
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("workers", &self.workers)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// A worker: takes jobs until the hasher is dropped, refusing those that waited too long.
fn work(receiver: &Mutex<Receiver<Job>>, max_wait: Duration) {
    let mut memory = Argon2Memory::new();
    loop {
        // The lock is held only while waiting for the next job, so one idle worker takes it at a time.
        let next = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else {
            return;
        };
        let result = if job.queued_at.elapsed() > max_wait {
            Err(overloaded(max_wait))
        } else {
            Ok(match job.work {
                Work::Verify { hash, password } => {
                    Done::Verified(hash.verify_in(&password, &mut memory))
                }
                Work::Hash { password, salt } => {
                    match PasswordHash::compute(&password, &salt, &mut memory) {
                        Ok(hash) => Done::Hashed(hash),
                        Err(error) => {
                            let _ = job.reply.send(Err(error));
                            continue;
                        }
                    }
                }
            })
        };
        // The caller may have gone away (its request was cancelled); nothing to do then.
        let _ = job.reply.send(result);
    }
}

fn overloaded(max_wait: Duration) -> Error {
    Error::Overloaded {
        retry_after: max_wait.max(Duration::from_secs(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SystemRandom;

    use crate::testing::block_on;

    #[test]
    fn hashes_and_verifies_on_the_pool() {
        let hasher = PasswordHasher::start(&PasswordHashingConfig::default()).unwrap();
        let hash = block_on(hasher.hash(Password::new("pw"), &SystemRandom::new())).unwrap();
        assert!(block_on(hasher.verify(hash.clone(), Password::new("pw"))).unwrap());
        assert!(!block_on(hasher.verify(hash, Password::new("other"))).unwrap());
    }

    #[test]
    fn a_full_queue_is_refused_at_once() {
        let config = PasswordHashingConfig {
            workers: 1,
            max_wait: Duration::from_secs(5),
            queue: 1,
        };
        let hasher = PasswordHasher::start(&config).unwrap();
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let mut pending: Vec<_> = (0..10)
            .map(|_| Box::pin(hasher.verify(PasswordHash::decoy(), Password::new("x"))))
            .collect();
        let refused = pending
            .iter_mut()
            .map(|future| {
                matches!(
                    future.as_mut().poll(&mut context),
                    std::task::Poll::Ready(Err(Error::Overloaded { .. }))
                )
            })
            .filter(|refused| *refused)
            .count();
        // One worker and one queue slot take at most three of ten (the worker may free the slot once).
        assert!(refused >= 7, "{refused} refused");
    }

    #[test]
    fn a_job_that_waited_too_long_is_refused() {
        let config = PasswordHashingConfig {
            workers: 1,
            max_wait: Duration::ZERO,
            queue: 8,
        };
        let hasher = PasswordHasher::start(&config).unwrap();
        let results: Vec<_> = (0..4)
            .map(|_| hasher.verify(PasswordHash::decoy(), Password::new("x")))
            .map(Box::pin)
            .collect();
        let results: Vec<_> = results.into_iter().map(block_on).collect();
        assert!(
            results
                .iter()
                .any(|result| matches!(result, Err(Error::Overloaded { .. }))),
            "with no allowed wait, queued hashes are refused"
        );
    }
}
