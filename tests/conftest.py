pytest_plugins = ["tests.fixtures.users", "tests.fixtures.schema"]
