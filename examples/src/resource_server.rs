//! A resource server: every request must carry `Authorization: Bearer
//! TOKEN`, a JWT of the identity provider. The middleware verifies it
//! against the provider's remote JWK Set (cached, refreshed when the
//! provider rotates its keys), with `iss`, `aud` and `exp` checked, and
//! hands the typed claims to the handler. A request without a valid token
//! gets 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750
//! section 3). The reason goes to the server's log, never to the client.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jose_remote::RemoteJwkSet;
use serde::{Deserialize, Serialize};

/// The claims of an access token, as the handlers see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Access {
    /// The issuer, checked by the middleware.
    pub iss: String,
    /// The subject: who the token is for.
    pub sub: String,
    /// The audience, checked by the middleware.
    pub aud: String,
    /// The expiry, checked by the middleware.
    pub exp: u64,
    /// Space-separated scopes.
    #[serde(default)]
    pub scope: String,
}

/// What the middleware verifies with: the remote keys and the checks,
/// made once and shared by every request.
#[derive(Clone, Debug)]
pub struct Auth {
    keys: RemoteJwkSet,
    validation: Arc<jose_jwt::Validation>,
}

impl Auth {
    /// Verification with the keys of `keys`, for tokens of `validation`
    /// (its allow-list, issuer and audience).
    pub fn new(keys: RemoteJwkSet, validation: jose_jwt::Validation) -> Self {
        Self {
            keys,
            validation: Arc::new(validation),
        }
    }
}

/// The service: `GET /me` answers with the token's subject and scopes.
pub fn router(auth: Auth) -> Router {
    Router::new()
        .route("/me", get(me))
        .layer(middleware::from_fn_with_state(auth, require_bearer))
}

/// The handler: it runs only with verified claims.
async fn me(request: Request) -> Response {
    let Some(access) = request.extensions().get::<Access>() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = serde_json::json!({ "sub": access.sub, "scope": access.scope });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Takes the bearer token, verifies it, and passes the claims on.
async fn require_bearer(State(auth): State<Auth>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let Some(token) = token else {
        return unauthorized(None);
    };
    match jose_jwt::decode_async::<Access>(&token, &auth.validation, &auth.keys).await {
        Ok(jwt) => {
            request.extensions_mut().insert(jwt.claims);
            next.run(request).await
        }
        Err(e) => unauthorized(Some(&e)),
    }
}

fn unauthorized(error: Option<&jose_core::Error>) -> Response {
    if let Some(e) = error {
        eprintln!("resource server: token refused: {e}");
    }
    let challenge = if error.is_some() {
        r#"Bearer error="invalid_token""#
    } else {
        "Bearer"
    };
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, challenge)],
    )
        .into_response()
}
