/*
 * PromQL's alerting subset (Prometheus 2.42), over the project's metric model. ExprParser turns
 * the parse tree into the AST (Expr) and type-checks it; the precedence below is PromQL's:
 * ^ (right-associative) binds tighter than unary minus, which binds like * / %, then + -,
 * comparisons, and/unless, and or last.
 */
grammar PromQL;

expression : expr EOF ;

expr
    : <assoc=right> expr op=POW binModifiers expr                      # binary
    | op=(ADD | SUB) expr                                              # unary
    | expr op=(MUL | DIV | MOD) binModifiers expr                      # binary
    | expr op=(ADD | SUB) binModifiers expr                            # binary
    | expr op=(EQLC | NEQ | LTE | LSS | GTE | GTR) binModifiers expr    # binary
    | expr op=(AND | UNLESS) binModifiers expr                         # binary
    | expr op=OR binModifiers expr                                     # binary
    | LEFT_PAREN expr RIGHT_PAREN                                      # parens
    | aggregation                                                      # aggregate
    | functionCall                                                     # call
    | selector                                                         # select
    | NUMBER                                                           # number
    | STRING                                                           # string
    ;

binModifiers : BOOL? (matching grouping?)? ;
matching     : (ON | IGNORING) labelList ;
grouping     : (GROUP_LEFT | GROUP_RIGHT) labelList? ;
labelList    : LEFT_PAREN (labelName (COMMA labelName)* COMMA?)? RIGHT_PAREN ;

aggregation
    : aggregationOp aggregationClause? aggregationArgs
    | aggregationOp aggregationArgs aggregationClause?
    ;
aggregationOp     : SUM | AVG | MIN | MAX | COUNT | QUANTILE | TOPK | BOTTOMK | STDDEV ;
aggregationClause : (BY | WITHOUT) labelList ;
aggregationArgs   : LEFT_PAREN expr (COMMA expr)? RIGHT_PAREN ;

functionCall : IDENTIFIER LEFT_PAREN (expr (COMMA expr)*)? RIGHT_PAREN ;

selector   : IDENTIFIER labelMatchers? range? offset? ;
labelMatchers : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE ;
labelMatcher  : labelName op=(EQ | NEQ | RE | NRE) STRING ;
range      : LEFT_BRACKET DURATION RIGHT_BRACKET ;
offset     : OFFSET SUB? DURATION ;

labelName
    : IDENTIFIER | AND | OR | UNLESS | BY | WITHOUT | ON | IGNORING | GROUP_LEFT | GROUP_RIGHT
    | OFFSET | BOOL | SUM | AVG | MIN | MAX | COUNT | QUANTILE | TOPK | BOTTOMK | STDDEV
    ;

// Keywords are case-insensitive, as in PromQL.
AND         options { caseInsensitive = true; } : 'and' ;
OR          options { caseInsensitive = true; } : 'or' ;
UNLESS      options { caseInsensitive = true; } : 'unless' ;
BY          options { caseInsensitive = true; } : 'by' ;
WITHOUT     options { caseInsensitive = true; } : 'without' ;
ON          options { caseInsensitive = true; } : 'on' ;
IGNORING    options { caseInsensitive = true; } : 'ignoring' ;
GROUP_LEFT  options { caseInsensitive = true; } : 'group_left' ;
GROUP_RIGHT options { caseInsensitive = true; } : 'group_right' ;
OFFSET      options { caseInsensitive = true; } : 'offset' ;
BOOL        options { caseInsensitive = true; } : 'bool' ;
SUM         options { caseInsensitive = true; } : 'sum' ;
AVG         options { caseInsensitive = true; } : 'avg' ;
MIN         options { caseInsensitive = true; } : 'min' ;
MAX         options { caseInsensitive = true; } : 'max' ;
COUNT       options { caseInsensitive = true; } : 'count' ;
QUANTILE    options { caseInsensitive = true; } : 'quantile' ;
TOPK        options { caseInsensitive = true; } : 'topk' ;
BOTTOMK     options { caseInsensitive = true; } : 'bottomk' ;
STDDEV      options { caseInsensitive = true; } : 'stddev' ;

DURATION : ([0-9]+ ('ms' | [smhdwy]))+ ;
NUMBER
    : [0-9]+ ('.' [0-9]*)? ([eE] [+-]? [0-9]+)?
    | '.' [0-9]+ ([eE] [+-]? [0-9]+)?
    | '0' [xX] [0-9a-fA-F]+
    | [iI] [nN] [fF]
    | [nN] [aA] [nN]
    ;
STRING
    : '"' (~["\\\n] | '\\' .)* '"'
    | '\'' (~['\\\n] | '\\' .)* '\''
    | '`' ~[`]* '`'
    ;
IDENTIFIER : [a-zA-Z_:] [a-zA-Z0-9_:]* ;

LEFT_PAREN    : '(' ;
RIGHT_PAREN   : ')' ;
LEFT_BRACE    : '{' ;
RIGHT_BRACE   : '}' ;
LEFT_BRACKET  : '[' ;
RIGHT_BRACKET : ']' ;
COMMA         : ',' ;
ADD  : '+' ;
SUB  : '-' ;
MUL  : '*' ;
DIV  : '/' ;
MOD  : '%' ;
POW  : '^' ;
EQLC : '==' ;
NEQ  : '!=' ;
LTE  : '<=' ;
LSS  : '<' ;
GTE  : '>=' ;
GTR  : '>' ;
EQ   : '=' ;
RE   : '=~' ;
NRE  : '!~' ;

COMMENT    : '#' ~[\r\n]* -> skip ;
WHITESPACE : [ \t\r\n]+ -> skip ;
