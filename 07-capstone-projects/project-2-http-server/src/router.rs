//! Chooses a handler for a request by method and path prefix.
//!
//! A [`Router`] is a list of routes, each a set of methods, a path prefix and a [`Handler`].
//! The longest matching prefix wins; if its methods do not include the request's, the answer is
//! `405 Method Not Allowed` (or `501 Not Implemented` for a method the server has never heard
//! of), both with an `Allow` field listing what would have worked (RFC 9110 section 15.5.6).
//! The router knows nothing about files or sockets: `webserver::default_router` plugs in the
//! static-file handler and a health check.

use crate::request::{Method, Request};
use crate::response::{Response, StatusCode};

/// Something that turns a request into a response.
///
/// Handlers run on pool workers, several at once, so they must be `Send + Sync`.
/// Any `Fn(&Request) -> Response` closure is a handler.
pub trait Handler: Send + Sync {
    /// Builds the response for `request`.
    fn handle(&self, request: &Request<'_>) -> Response;
}

impl<F> Handler for F
where
    F: Fn(&Request<'_>) -> Response + Send + Sync,
{
    fn handle(&self, request: &Request<'_>) -> Response {
        self(request)
    }
}

struct Route {
    methods: Vec<Method>,
    prefix: String,
    handler: Box<dyn Handler>,
}

/// Method + path-prefix routing.
///
/// # Examples
///
/// ```
/// use webserver::request::{parse, Method, Request};
/// use webserver::response::{Response, StatusCode};
/// use webserver::router::Router;
///
/// # fn main() -> Result<(), webserver::request::ParseRequestError> {
/// // The parameter type is spelled out: with `|_: &_|` the compiler would pick one lifetime
/// // for `Request<'_>` instead of accepting every lifetime, and `Handler` needs the latter.
/// let router = Router::new().route(&[Method::Get], "/hello", |_: &Request<'_>| {
///     Response::text(StatusCode::OK, "hi\n")
/// });
/// let request = parse(b"GET /hello/world HTTP/1.0\r\n\r\n")?;
/// assert_eq!(router.dispatch(&request).status(), StatusCode::OK);
/// let request = parse(b"POST /hello HTTP/1.0\r\n\r\n")?;
/// assert_eq!(router.dispatch(&request).status(), StatusCode::METHOD_NOT_ALLOWED);
/// # Ok(())
/// # }
/// ```
#[derive(Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut list = f.debug_list();
        for route in &self.routes {
            list.entry(&(&route.methods, &route.prefix));
        }
        list.finish()
    }
}

impl Router {
    /// A router with no routes: every request gets `404`.
    pub fn new() -> Router {
        Router::default()
    }

    /// Adds a route. A route allowing `GET` also allows `HEAD`, as RFC 9110 section 9.3.2 expects
    /// (the server drops the body).
    ///
    /// `prefix` matches whole segments: `/health` matches `/health` and `/health/x` but not
    /// `/healthy`; the prefix `/` matches every path.
    pub fn route(
        mut self,
        methods: &[Method],
        prefix: &str,
        handler: impl Handler + 'static,
    ) -> Router {
        let mut methods = methods.to_vec();
        if methods.contains(&Method::Get) && !methods.contains(&Method::Head) {
            methods.push(Method::Head);
        }
        self.routes.push(Route {
            methods,
            prefix: prefix.to_owned(),
            handler: Box::new(handler),
        });
        self
    }

    /// Runs the handler of the best route for `request`, or builds the error response.
    pub fn dispatch(&self, request: &Request<'_>) -> Response {
        // course:solution p2.2 Pick the longest matching prefix; if its methods do not include the request's, answer 405 (known method) or 501 (unknown), both with `Allow`.
        let path = request.path();
        let best = self
            .routes
            .iter()
            .filter(|route| prefix_matches(&route.prefix, path))
            .max_by_key(|route| route.prefix.len());
        let Some(route) = best else {
            return Response::error(StatusCode::NOT_FOUND);
        };
        if route.methods.contains(&request.method()) {
            return route.handler.handle(request);
        }
        let allow = route
            .methods
            .iter()
            .map(|method| method.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let status = if request.method() == Method::Other {
            StatusCode::NOT_IMPLEMENTED
        } else {
            StatusCode::METHOD_NOT_ALLOWED
        };
        Response::error(status).with_header("Allow", allow)
        // course:stub
        // // Until p2.2 every method reaches the handler of the longest matching prefix.
        // let path = request.path();
        // let best = self
        //     .routes
        //     .iter()
        //     .filter(|route| prefix_matches(&route.prefix, path))
        //     .max_by_key(|route| route.prefix.len());
        // match best {
        //     Some(route) => route.handler.handle(request),
        //     None => Response::error(StatusCode::NOT_FOUND),
        // }
        // course:end
    }
}

fn prefix_matches(prefix: &str, path: &str) -> bool {
    match path.strip_prefix(prefix) {
        Some(rest) => prefix.ends_with('/') || rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::parse;

    fn check(router: &Router, head: &str, expected_status: u16, expected_allow: Option<&str>) {
        let request = parse(head.as_bytes()).expect("valid head");
        let response = router.dispatch(&request);
        assert_eq!(response.status().code(), expected_status, "{head:?}");
        assert_eq!(response.header("allow"), expected_allow, "{head:?}");
    }

    fn labelled(label: &'static str) -> impl Handler {
        move |_: &Request<'_>| Response::text(StatusCode::OK, label)
    }

    #[test]
    fn router_picks_longest_prefix_and_checks_methods() {
        let router = Router::new()
            .route(&[Method::Get], "/", labelled("root"))
            .route(&[Method::Get], "/api", labelled("api"))
            .route(&[Method::Post], "/api/upload", labelled("upload"));
        check(&router, "GET /index.html HTTP/1.1\r\n\r\n", 200, None);
        check(&router, "HEAD /api HTTP/1.1\r\n\r\n", 200, None);
        check(&router, "GET /api/items?x=1 HTTP/1.1\r\n\r\n", 200, None);
        check(&router, "POST /api/upload HTTP/1.1\r\n\r\n", 200, None);
        check(
            &router,
            "GET /api/upload HTTP/1.1\r\n\r\n",
            405,
            Some("POST"),
        );
        check(
            &router,
            "DELETE /api HTTP/1.1\r\n\r\n",
            405,
            Some("GET, HEAD"),
        );
        check(
            &router,
            "BREW /api HTTP/1.1\r\n\r\n",
            501,
            Some("GET, HEAD"),
        );
        check(&router, "GET http://host/api HTTP/1.1\r\n\r\n", 404, None);
    }

    #[test]
    fn router_matches_whole_segments() {
        let table = [
            ("/health", "/health", true),
            ("/health", "/health/deep", true),
            ("/health", "/healthy", false),
            ("/", "/anything", true),
            ("/static/", "/static/a.css", true),
            ("/static/", "/static", false),
        ];
        for (prefix, path, expected) in table {
            assert_eq!(prefix_matches(prefix, path), expected, "{prefix} vs {path}");
        }
    }

    #[test]
    fn router_without_routes_answers_not_found() {
        check(&Router::new(), "GET / HTTP/1.0\r\n\r\n", 404, None);
    }
}
