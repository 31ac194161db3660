"""Findings about a RocketMQ deployment's own configuration files (pure: files in, findings out).

`read` turns files into `ConfigFile`s as RocketMQ reads them, `roles` says
what each file configures, `known_keys` holds what each role's configuration
classes accept in a given release, and `rules` produces the findings.
"""
