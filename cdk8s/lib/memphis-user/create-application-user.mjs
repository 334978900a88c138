// Creates the apps' Memphis application user (BROKER_USERNAME / BROKER_PASSWORD) through the
// broker's own HTTP API, so no person has to create it in the UI. Run by the memphis-user Job
// (node of the consumer image) with the script mounted from a ConfigMap.
//
// The API, as memphisdev/memphis@v1.4.3 serves it on the management port 9000:
//  - http_server/routes/routes.go + user_mgmt.go: POST /api/usermgmt/login and /api/usermgmt/addUser;
//  - server/memphis_cloud.go Login: {username, password} of a management user ("root" with
//    ROOT_PASSWORD of memphis-creds) answers {"jwt": ...}; middlewares/auth.go reads it back as
//    "Authorization: Bearer <jwt>";
//  - AddUser: {username, password, user_type: "application"}; the password is stored encrypted with
//    ENCRYPTION_SECRET_KEY and the broker reloads its NATS users, so "<username>$1" can connect;
//    an existing name answers 406 "A user with the name <name> already exists" (kept as success:
//    the Job runs on every sync).
// The password is never printed.
const { MEMPHIS_API_URL, ROOT_PASSWORD, BROKER_USERNAME, BROKER_PASSWORD } = process.env;
const missing = Object.entries({ MEMPHIS_API_URL, ROOT_PASSWORD, BROKER_USERNAME, BROKER_PASSWORD })
  .filter(([, value]) => !value)
  .map(([name]) => name);
if (missing.length > 0) {
  console.error(`memphis-user: missing ${missing.join(", ")}`);
  process.exit(2);
}

async function post(path, body, jwt) {
  const response = await fetch(new URL(path, MEMPHIS_API_URL), {
    method: "POST",
    headers: { "content-type": "application/json", ...(jwt ? { authorization: `Bearer ${jwt}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, text };
}

const login = await post("/api/usermgmt/login", { username: "root", password: ROOT_PASSWORD });
if (login.status !== 200) {
  console.error(`memphis-user: login as root failed: HTTP ${login.status}`);
  process.exit(1);
}
const { jwt } = JSON.parse(login.text);
const added = await post(
  "/api/usermgmt/addUser",
  { username: BROKER_USERNAME, password: BROKER_PASSWORD, user_type: "application" },
  jwt,
);
if (added.status === 200) {
  console.log(`memphis-user: created application user ${BROKER_USERNAME}`);
} else if (added.status === 406 && added.text.includes("already exists")) {
  console.log(`memphis-user: application user ${BROKER_USERNAME} already exists`);
} else {
  console.error(`memphis-user: addUser failed: HTTP ${added.status} ${added.text.slice(0, 200)}`);
  process.exit(1);
}
