import type { ComponentChildren } from 'preact';

/** One column: its heading, and each row's cell. The first column names the row, so a phone shows no label beside it. */
export interface Column<T> {
  label: string;
  cell: (row: T) => ComponentChildren;
  /** `count` right-aligns figures. */
  class?: string;
  /** Buttons: the heading is for screen readers only, and a phone shows no label beside them. */
  hiddenLabel?: boolean;
}

/**
 * A table that becomes one card per row on a phone (`table.stack`), each value named by its
 * column. Explicit roles keep it a table for screen readers once CSS has made it blocks.
 */
export function StackTable<T>(props: { name: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; rowData?: (row: T) => Record<string, string | undefined> }) {
  const { columns, rows } = props;
  return (
    <table class={`stack ${props.name}`} role="table">
      <thead role="rowgroup">
        <tr role="row">
          {columns.map((column) => (
            <th key={column.label} scope="col" role="columnheader" class={column.class}>
              {column.hiddenLabel ? <span class="visually-hidden">{column.label}</span> : column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody role="rowgroup">
        {rows.map((row) => (
          <tr key={props.rowKey(row)} role="row" {...props.rowData?.(row)}>
            {columns.map((column, i) => (
              <td key={column.label} role="cell" class={i === 0 ? 'name' : column.class} data-label={i === 0 || column.hiddenLabel ? undefined : column.label}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
