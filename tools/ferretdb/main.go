// Command samverkan-ferretdb runs an embedded FerretDB v1 (SQLite backend) on loopback.
//
// It is the project's local and CI database: the Node launcher in src/infra/db builds it on
// first use and starts it when MONGODB_URI is unset. Telemetry is off (embedded mode), there is
// no debug listener, and it only ever listens on 127.0.0.1.
//
// Usage: samverkan-ferretdb -dir DIR [-port N]
// With -port 0 (the default) a free port is chosen. When listening, one line is printed to
// stdout: "LISTENING <mongodb-uri>". It stops on SIGINT/SIGTERM or when stdin closes (so it
// never outlives the Node process that started it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dir := flag.String("dir", "", "SQLite data directory (created if missing)")
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 = any free port)")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin reaches EOF")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	flag.Parse()

	if *dir == "" {
		fmt.Fprintln(os.Stderr, "samverkan-ferretdb: -dir is required")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		fail(err)
	}

	p := *port
	if p == 0 {
		// Pick a free loopback port; FerretDB needs a concrete address for MongoDBURI.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		p = l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: fmt.Sprintf("127.0.0.1:%d", p)},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(abs) + "/",
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	fmt.Printf("LISTENING %s\n", f.MongoDBURI())
	<-done
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "samverkan-ferretdb: %v\n", err)
	os.Exit(1)
}
