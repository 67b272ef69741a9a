declare module 'edtf' {
  interface ExtDate {
    readonly type: string;
    readonly edtf: string;
    readonly min: number;
    readonly max: number;
    readonly precision?: number;
  }
  function edtf(text: string): ExtDate;
  export default edtf;
}
