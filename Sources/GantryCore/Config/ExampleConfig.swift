/// The commented example `gantry init` writes. It must always pass `gantry validate`; a
/// test holds it to that.
package enum ExampleConfig {
    package static let text = """
    # yaml-language-server: $schema=\(ConfigSchema.fileName)
    # gantry.yml: how Gantry deploys this project.
    # Durations are written with a unit (200ms, 30s, 5m, 1h); sizes as 512MiB, 2GiB or 10%.
    # Relative paths resolve against this file's directory, which is also the working
    # directory of every command below. Unknown keys are errors, so typos are caught.
    version: 1

    # Where Gantry keeps releases, history, journals and locks.
    state: sqlite:.gantry/state.db

    environments:
      production:
        # Passed to commands as {inventory} (resolved to an absolute path).
        # inventory: infrastructure/ansible/inventories/production/hosts

        # Hosts deployed to; commands receive them as GANTRY_TARGETS (comma-separated).
        targets: [web-1.internal, web-2.internal]

        # Names of environment variables holding secrets. Their values are never printed
        # or stored: they are masked as *** in output, the journal and history.
        secrets: [DEPLOY_TOKEN]

        # The deploy command, as a list of arguments (no shell). Placeholders: {release},
        # {environment}, {inventory}, {deployment_id}. ${VAR} reads the environment.
        # Commands also get GANTRY_ENVIRONMENT, GANTRY_RELEASE, GANTRY_DEPLOYMENT_ID and
        # GANTRY_TARGETS. On timeout the whole process group gets SIGTERM, then SIGKILL
        # after the grace period.
        deploy:
          command: [./scripts/deploy.sh, "{release}"]
          timeout: 15m
          grace: 10s
        # For an Ansible playbook:
        #   command: [ansible-playbook, -i, "{inventory}", deploy.yml, -e, "version={release}"]
        # Or, when a shell is really needed (placeholders are then shell-quoted):
        #   command: "make deploy VERSION={release}"
        #   shell: true

        rollback:
          command: [./scripts/deploy.sh, "{release}"]
          timeout: 15m

        # Settings every check inherits unless it sets its own.
        check_defaults: { timeout: 5s, retries: 3, interval: 2s }

        # Health checks; each has a name and exactly one kind:
        # http, tcp, postgres, redis, nginx, disk, memory, command, prometheus.
        checks:
          - name: web
            http: { url: "http://127.0.0.1:8080/healthz", expect_status: 200 }
          - name: disk
            disk: { path: /, min_free: 10% }
    """
}
