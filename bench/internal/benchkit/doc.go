// Package benchkit holds what the benchmarks under bench/ share: starting and stopping the
// servers they measure, reading a process's CPU time and memory, describing the machine a run
// was made on, recreating a MariaDB database, and the keys they derive for their accounts.
package benchkit
