package tracing

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// gormPlugin gives each query a client span, after gorm's own OpenTelemetry plugin, which this
// replaces because it links the ClickHouse and PostgreSQL drivers into the binary to name them.
// A span holds the statement without its values (they hold key and password hashes and customers'
// data), the operation, the table, the database system and the rows affected.
type gormPlugin struct {
	tracer trace.Tracer
	system string // db.system.name: mysql or sqlite
}

// Name implements gorm.Plugin.
func (p gormPlugin) Name() string { return "sharepanel:tracing" }

// spanContext keeps the context a query started with, to put back when its span ends.
type spanContext struct {
	context.Context
	parent context.Context
}

// Initialize implements gorm.Plugin: a span around every create, query, update, delete, row and
// raw statement.
func (p gormPlugin) Initialize(db *gorm.DB) error {
	cb := db.Callback()
	for _, hook := range []struct {
		name          string
		before, after func(string, func(*gorm.DB)) error
	}{
		{"create", cb.Create().Before("gorm:create").Register, cb.Create().After("gorm:create").Register},
		{"query", cb.Query().Before("gorm:query").Register, cb.Query().After("gorm:query").Register},
		{"update", cb.Update().Before("gorm:update").Register, cb.Update().After("gorm:update").Register},
		{"delete", cb.Delete().Before("gorm:delete").Register, cb.Delete().After("gorm:delete").Register},
		{"row", cb.Row().Before("gorm:row").Register, cb.Row().After("gorm:row").Register},
		{"raw", cb.Raw().Before("gorm:raw").Register, cb.Raw().After("gorm:raw").Register},
	} {
		if err := hook.before("tracing:before_"+hook.name, p.start("gorm."+hook.name)); err != nil {
			return err
		}
		if err := hook.after("tracing:after_"+hook.name, p.end); err != nil {
			return err
		}
	}
	return nil
}

func (p gormPlugin) start(name string) func(*gorm.DB) {
	return func(tx *gorm.DB) {
		parent := tx.Statement.Context
		ctx, _ := p.tracer.Start(parent, name, trace.WithSpanKind(trace.SpanKindClient))
		tx.Statement.Context = spanContext{ctx, parent}
	}
}

func (p gormPlugin) end(tx *gorm.DB) {
	sc, ok := tx.Statement.Context.(spanContext)
	if !ok {
		return
	}
	tx.Statement.Context = sc.parent
	span := trace.SpanFromContext(sc.Context)
	defer span.End()
	query := tx.Statement.SQL.String()
	operation, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	attrs := []attribute.KeyValue{attribute.String("db.system.name", p.system), attribute.String("db.query.text", query),
		attribute.String("db.operation.name", strings.ToUpper(operation))}
	if t := tx.Statement.Table; t != "" {
		attrs = append(attrs, attribute.String("db.collection.name", t))
		span.SetName(strings.ToUpper(operation) + " " + t)
	}
	if tx.Statement.RowsAffected >= 0 {
		attrs = append(attrs, attribute.Int64("db.response.returned_rows", tx.Statement.RowsAffected))
	}
	span.SetAttributes(attrs...)
	if err := tx.Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && !errors.Is(err, sql.ErrNoRows) {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
}
