//! The connection to Redis (`--state redis://HOST:PORT`), which the Redis implementation of
//! every store shares: any number of replicas behind a load balancer keep one set of
//! records and one budget, exactly, and a restart loses nothing. Every change that reads
//! before it writes is one Lua script (a `.lua` file beside its store, whose arguments come
//! as one JSON object), which Redis runs atomically: no replica can slip between another's
//! read and write.

use super::keys;
use redis::aio::ConnectionManager;
use std::time::Duration;

/// One connection (multiplexed, reconnecting) shared by every store.
#[derive(Clone)]
pub struct RedisState {
    connection: ConnectionManager,
    /// For connections of their own (a pub/sub listener cannot share one).
    client: redis::Client,
}

impl RedisState {
    /// Connects, and fails at start (saying where) when Redis does not answer.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("--state {url}: {e}"))?;
        // A Redis that went away must not hold requests for long: they are refused instead
        // (and every operation has its own deadline, `within_deadline`).
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(DEADLINE)
            .set_response_timeout(DEADLINE)
            .set_number_of_retries(1)
            .set_max_delay(500);
        let connection = tokio::time::timeout(
            Duration::from_secs(5),
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| format!("--state {url}: Redis did not answer within 5 s"))?
        .map_err(|e| format!("--state {url}: {e}"))?;
        let state = RedisState { connection, client };
        state
            .ping()
            .await
            .map_err(|e| format!("--state {url}: {e}"))?;
        Ok(state)
    }

    /// Whether Redis answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The secret every replica signs sessions with: the first replica's, kept in Redis.
    pub async fn shared_secret(&self) -> Result<Vec<u8>, String> {
        let mine = crate::secret::random_hex(32);
        let key = keys::session_secret();
        let mut connection = self.conn();
        let _: bool = redis::cmd("SET")
            .arg(&key)
            .arg(&mine)
            .arg("NX")
            .query_async::<Option<String>>(&mut connection)
            .await
            .map(|set| set.is_some())
            .map_err(|e| e.to_string())?;
        redis::cmd("GET")
            .arg(&key)
            .query_async::<String>(&mut connection)
            .await
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    }

    pub(crate) fn conn(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// A connection of its own, for subscribing.
    pub(crate) async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }
}

/// How long one Redis operation may take before the request it serves is refused (503):
/// Redis answers in well under a millisecond when it is there, and a caller must not wait
/// for a gateway's timeout when it is not.
pub(crate) const DEADLINE: Duration = Duration::from_millis(700);

/// `operation`, or an error once [`DEADLINE`] has passed.
pub(crate) async fn within_deadline<T>(
    operation: impl std::future::Future<Output = redis::RedisResult<T>>,
) -> redis::RedisResult<T> {
    tokio::time::timeout(DEADLINE, operation)
        .await
        .unwrap_or_else(|_| {
            Err(redis::RedisError::from((
                redis::ErrorKind::IoError,
                "Redis did not answer in time",
            )))
        })
}

/// Runs a Lua script whose one argument is a JSON object (`cjson.decode(ARGV[1])`): its
/// fields are read by name, so a new one cannot shift the others.
pub(crate) async fn run_script<T: redis::FromRedisValue>(
    state: &RedisState,
    script: &redis::Script,
    args: serde_json::Value,
) -> redis::RedisResult<T> {
    within_deadline(script.arg(args.to_string()).invoke_async(&mut state.conn())).await
}
