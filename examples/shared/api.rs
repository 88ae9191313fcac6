//! The quickstart API's data and operations, framework-neutral: the handlers of `quickstart.rs`
//! (actix-web) and `quickstart_axum.rs` (axum) only translate a request into one of these calls
//! and its result into a response.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, MutexGuard};

use prometheus::{IntCounter, IntGauge};

use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize)]
pub(crate) struct User {
    id: u32,
    name: String,
}

#[derive(Deserialize)]
pub(crate) struct NewUser {
    pub(crate) name: String,
}

#[derive(Clone, Serialize)]
pub(crate) struct Item {
    id: u32,
    owner: u32,
    title: String,
}

#[derive(Deserialize)]
pub(crate) struct NewItem {
    pub(crate) title: String,
}

#[derive(Deserialize)]
pub(crate) struct SlowQuery {
    pub(crate) ms: u64,
}

/// The API's errors; each framework turns them into a response with [`ApiError::status`].
#[derive(Debug)]
pub(crate) enum ApiError {
    NotFound(&'static str, u32),
    Invalid(&'static str),
    Unavailable,
}

impl ApiError {
    /// The HTTP status of the error.
    pub(crate) fn status(&self) -> u16 {
        match self {
            ApiError::NotFound(..) => 404,
            ApiError::Invalid(_) => 422,
            ApiError::Unavailable => 503,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotFound(what, id) => write!(f, "{what} {id} not found"),
            ApiError::Invalid(why) => write!(f, "invalid request: {why}"),
            ApiError::Unavailable => write!(f, "store unavailable"),
        }
    }
}

/// The service's own metrics, made with the `prometheus` crate as services already make them and
/// registered in its default registry, where handler-metrics registers too: the one `/metrics`
/// route exposes them beside the handlers' families, in both formats.
pub(crate) static USERS_CREATED: LazyLock<IntCounter> = LazyLock::new(|| {
    IntCounter::new(
        "quickstart_users_created_total",
        "Users created since start-up.",
    )
    .expect("a valid metric name")
});
pub(crate) static USERS_STORED: LazyLock<IntGauge> = LazyLock::new(|| {
    IntGauge::new("quickstart_users", "Users in the store now.").expect("a valid metric name")
});

/// Registers the service's own metrics, at start-up.
pub(crate) fn register_own_metrics() -> std::io::Result<()> {
    let registry = prometheus::default_registry();
    for metric in [
        Box::new(USERS_CREATED.clone()) as Box<dyn prometheus::core::Collector>,
        Box::new(USERS_STORED.clone()),
    ] {
        registry.register(metric).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// Users and their items, in memory.
#[derive(Default)]
pub(crate) struct Store {
    users: BTreeMap<u32, User>,
    items: BTreeMap<u32, Item>,
    next_id: u32,
}

/// The store as the handlers share it.
pub(crate) type Db = Mutex<Store>;

/// The store, or `Unavailable` if a handler panicked while holding it.
pub(crate) fn lock(db: &Db) -> Result<MutexGuard<'_, Store>, ApiError> {
    db.lock().map_err(|_| ApiError::Unavailable)
}

impl Store {
    pub(crate) fn list_users(&self) -> Vec<User> {
        self.users.values().cloned().collect()
    }

    pub(crate) fn create_user(&mut self, new: NewUser) -> Result<User, ApiError> {
        if new.name.trim().is_empty() {
            return Err(ApiError::Invalid("name must not be empty"));
        }
        self.next_id += 1;
        let user = User {
            id: self.next_id,
            name: new.name,
        };
        self.users.insert(user.id, user.clone());
        USERS_CREATED.inc();
        USERS_STORED.set(self.users.len() as i64);
        Ok(user)
    }

    pub(crate) fn get_user(&self, id: u32) -> Result<User, ApiError> {
        self.users
            .get(&id)
            .cloned()
            .ok_or(ApiError::NotFound("user", id))
    }

    pub(crate) fn rename_user(&mut self, id: u32, new: NewUser) -> Result<User, ApiError> {
        let user = self
            .users
            .get_mut(&id)
            .ok_or(ApiError::NotFound("user", id))?;
        user.name = new.name;
        Ok(user.clone())
    }

    pub(crate) fn delete_user(&mut self, id: u32) -> Result<(), ApiError> {
        self.users
            .remove(&id)
            .ok_or(ApiError::NotFound("user", id))?;
        self.items.retain(|_, item| item.owner != id);
        USERS_STORED.set(self.users.len() as i64);
        Ok(())
    }

    pub(crate) fn list_items(&self, owner: u32) -> Result<Vec<Item>, ApiError> {
        if !self.users.contains_key(&owner) {
            return Err(ApiError::NotFound("user", owner));
        }
        let items = self.items.values().filter(|i| i.owner == owner);
        Ok(items.cloned().collect())
    }

    pub(crate) fn create_item(&mut self, owner: u32, new: NewItem) -> Result<Item, ApiError> {
        if !self.users.contains_key(&owner) {
            return Err(ApiError::NotFound("user", owner));
        }
        self.next_id += 1;
        let item = Item {
            id: self.next_id,
            owner,
            title: new.title,
        };
        self.items.insert(item.id, item.clone());
        Ok(item)
    }
}

/// Reports are built by a backend; the archive's is offline, so it fails with the API's error.
pub(crate) fn report(kind: &str) -> Result<Vec<&'static str>, ApiError> {
    match kind {
        "daily" => Ok(vec!["signups", "orders"]),
        "archive" => Err(ApiError::Unavailable),
        _ => Err(ApiError::NotFound("report", 0)),
    }
}

/// How long `/slow` sleeps: as asked, at most 5 s.
pub(crate) fn slow_millis(query: &SlowQuery) -> u64 {
    query.ms.min(5_000)
}

/// The port on 127.0.0.1 from `PORT`, default 8080.
pub(crate) fn port() -> std::io::Result<u16> {
    match std::env::var("PORT") {
        Ok(port) => port
            .parse()
            .map_err(|e| std::io::Error::other(format!("PORT={port:?}: {e}"))),
        Err(_) => Ok(8080),
    }
}
