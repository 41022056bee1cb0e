// Unique names, name scopes, look-ups by name, collections, the default graph.
import * as tf from 'tf1-ts';
import { caught } from './helpers';

beforeEach(() => tf.reset_default_graph());

describe('unique names', () => {
  it('default names get _1, _2, ...', () => {
    const a = tf.placeholder(tf.float32);
    const b = tf.placeholder(tf.float32);
    const c = tf.placeholder(tf.float32);
    expect([a.name, b.name, c.name]).toEqual(['Placeholder:0', 'Placeholder_1:0', 'Placeholder_2:0']);
    expect([a.op.name, b.op.name]).toEqual(['Placeholder', 'Placeholder_1']);
    expect(tf.constant(1).op.name).toBe('Const');
    expect(tf.constant(2).op.name).toBe('Const_1');
  });

  it('a user name twice -> x, x_1; taken suffixes are skipped', () => {
    expect(tf.placeholder(tf.float32, null, 'x').name).toBe('x:0');
    expect(tf.placeholder(tf.float32, null, 'x').name).toBe('x_1:0');
    expect(tf.constant(1, { name: 'y_1' }).op.name).toBe('y_1');
    expect(tf.constant(1, { name: 'y' }).op.name).toBe('y');
    expect(tf.constant(1, { name: 'y' }).op.name).toBe('y_2');
  });

  it('names are compared case-insensitively (TF 1.x)', () => {
    expect(tf.constant(1, { name: 'add' }).op.name).toBe('add');
    expect(tf.add(1, 2).op.name).toBe('Add_1');
  });

  it('invalid names are rejected', () => {
    const e = caught(() => tf.constant(1, { name: 'bad name!' }));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain("'bad name!' is not a valid scope name");
  });
});

describe('name scopes', () => {
  it('nest, with the callback form', () => {
    const c = tf.name_scope('outer', (s1) => {
      expect(s1).toBe('outer/');
      return tf.name_scope('inner', (s2) => {
        expect(s2).toBe('outer/inner/');
        return tf.constant(1);
      });
    });
    expect(c.op.name).toBe('outer/inner/Const');
    expect(tf.constant(1).op.name).toBe('Const'); // left both scopes
    expect(tf.get_default_graph().currentNameScope).toBe('');
  });

  it('nest, with the `using` form', () => {
    let x: tf.Tensor;
    let y: tf.Tensor;
    {
      using s = tf.name_scope('layer');
      expect(s.name).toBe('layer/');
      x = tf.placeholder(tf.float32, null, 'x');
      {
        using t = tf.name_scope('sub');
        expect(t.name).toBe('layer/sub/');
        y = tf.matmul(tf.placeholder(tf.float32, [1, 1]), tf.placeholder(tf.float32, [1, 1]));
      }
    }
    expect(x.name).toBe('layer/x:0');
    expect(y.op.name).toBe('layer/sub/MatMul');
    expect(y.op.inputs.map((t) => t.op.name)).toEqual(['layer/sub/Placeholder', 'layer/sub/Placeholder_1']);
    expect(tf.placeholder(tf.float32).op.name).toBe('Placeholder');
  });

  it("re-entering a scope name gives a fresh scope (rnn, rnn_1); a trailing '/' re-enters exactly", () => {
    const a = tf.name_scope('rnn', () => tf.constant(1));
    const b = tf.name_scope('rnn', (s) => {
      expect(s).toBe('rnn_1/');
      return tf.constant(1);
    });
    const c = tf.name_scope('rnn/', (s) => {
      expect(s).toBe('rnn/');
      return tf.constant(1);
    });
    expect([a.op.name, b.op.name, c.op.name]).toEqual(['rnn/Const', 'rnn_1/Const', 'rnn/Const_1']);
    // Inside a scope, re-entering a child name also uniquifies it.
    tf.name_scope('outer', () => {
      expect(tf.name_scope('cell', (s) => s)).toBe('outer/cell/');
      expect(tf.name_scope('cell', (s) => s)).toBe('outer/cell_1/');
    });
  });

  it("an empty or null scope resets to the top level; an op named like a scope is uniquified", () => {
    const c = tf.name_scope('a', () => tf.name_scope(null, () => tf.constant(1)));
    expect(c.op.name).toBe('Const');
    const d = tf.name_scope('b', () => tf.name_scope('', () => tf.constant(1, { name: 'k' })));
    expect(d.op.name).toBe('k');
    // the scope 'a' holds the name 'a'
    expect(tf.constant(1, { name: 'a' }).op.name).toBe('a_1');
  });

  it('invalid scope names are rejected as TF does', () => {
    expect(() => tf.name_scope('my scope', () => 0)).toThrow("'my scope' is not a valid scope name");
    expect(() => tf.name_scope('_hidden', () => 0)).toThrow("'_hidden' is not a valid scope name");
    // Inside a scope the first character may also be '_' or '-'.
    expect(tf.name_scope('outer', () => tf.name_scope('_inner', () => tf.constant(1))).op.name).toBe('outer/_inner/Const');
    expect(tf.get_default_graph().currentNameScope).toBe('');
  });

  it('a scope left out of order is an error; leaving twice is harmless', () => {
    const outer = tf.name_scope('o');
    const inner = tf.name_scope('i');
    expect(() => outer[Symbol.dispose]()).toThrow(tf.AssertionError);
    inner[Symbol.dispose]();
    inner[Symbol.dispose]();
    outer[Symbol.dispose]();
    expect(tf.get_default_graph().currentNameScope).toBe('');
  });

  it('variables take their scope', () => {
    const v = tf.name_scope('layer1', () => new tf.Variable(tf.zeros([2]), { name: 'W' }));
    expect(v.op.name).toBe('layer1/W');
    expect(v.value().name).toBe('layer1/W/read:0');
    expect(v.initializer.name).toBe('layer1/W/Assign');
  });
});

describe('look-ups by name', () => {
  it('get_tensor_by_name / get_operation_by_name / as_graph_element', () => {
    const g = tf.get_default_graph();
    const x = tf.placeholder(tf.float32, [null, 784], 'X');
    const parts = tf.split(tf.constant([1, 2]), 2);
    expect(g.get_tensor_by_name('X:0')).toBe(x);
    expect(g.get_operation_by_name('X')).toBe(x.op);
    expect(g.get_tensor_by_name('split:1')).toBe(parts[1]);
    expect(g.as_graph_element('X')).toBe(x.op);
    expect(g.as_graph_element('X:0')).toBe(x);
    const e1 = caught(() => g.get_tensor_by_name('nope:0'));
    expect(e1.name).toBe('KeyError');
    expect(e1.message).toBe("The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.");
    const e2 = caught(() => g.get_tensor_by_name('X:1'));
    expect(e2.message).toBe("The name 'X:1' refers to a Tensor which does not exist. The operation, 'X', exists but only has 1 outputs.");
    const e3 = caught(() => g.get_tensor_by_name('X'));
    expect(e3.name).toBe('ValueError');
    expect(e3.message).toContain("The name 'X' looks like an (invalid) Operation name, not a Tensor.");
    const e4 = caught(() => g.get_operation_by_name('Y'));
    expect(e4.message).toBe("The name 'Y' refers to an Operation not in the graph.");
    expect(g.get_operations().map((o) => o.name)).toEqual(['X', 'Const', 'Const_1', 'split']);
  });

  it('ops know their graph, inputs and consumers', () => {
    const a = tf.constant(1.5);
    const b = tf.tanh(a);
    const c = a.add(b);
    expect(b.op.inputs[0]).toBe(a);
    expect(a.consumers().map((o) => o.name)).toEqual(['Tanh', 'add']);
    expect(c.graph).toBe(tf.get_default_graph());
    expect(String(c.op)).toBe("<tf.Operation 'add' type=Add>");
  });
});

describe('collections', () => {
  it('global and trainable variables', () => {
    const a = new tf.Variable(1);
    const b = new tf.Variable(2, { trainable: false, name: 'step' });
    const c = tf.name_scope('rnn', () => new tf.Variable([1.5], { name: 'kernel' }));
    expect(tf.global_variables()).toEqual([a, b, c]);
    expect(tf.trainable_variables()).toEqual([a, c]);
    expect(tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)).toEqual([a, b, c]);
    expect(tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)).toEqual([a, c]);
    expect(tf.global_variables('rnn')).toEqual([c]);
    expect(b.trainable).toBe(false);
    expect(a.trainable).toBe(true);
  });

  it('explicit collections; custom collections', () => {
    const v = new tf.Variable(1, { collections: ['mine'] });
    expect(tf.global_variables()).toEqual([]);
    expect(tf.get_collection('mine')).toEqual([v]);
    expect(tf.trainable_variables()).toEqual([v]); // trainable is added unless present
    tf.add_to_collection('things', 3);
    tf.add_to_collection('things', 4);
    expect(tf.get_collection('things')).toEqual([3, 4]);
    expect(tf.get_collection('absent')).toEqual([]);
    // get_collection returns a copy
    tf.get_collection<number>('things').push(5);
    expect(tf.get_collection('things')).toEqual([3, 4]);
  });
});

describe('the default graph', () => {
  it('reset_default_graph gives an empty new graph', () => {
    const g1 = tf.get_default_graph();
    tf.placeholder(tf.float32);
    new tf.Variable(1);
    tf.set_random_seed(3);
    tf.reset_default_graph();
    const g2 = tf.get_default_graph();
    expect(g2).not.toBe(g1);
    expect(g2.get_operations()).toEqual([]);
    expect(tf.global_variables()).toEqual([]);
    expect(tf.placeholder(tf.float32).name).toBe('Placeholder:0');
    expect(tf.get_default_graph()).toBe(g2);
  });

  it('reset_default_graph inside a `using sess` block is an AssertionError', () => {
    const msg = 'Do not use tf.reset_default_graph() to clear nested graphs. If you need a cleared graph, exit the nesting and create a new graph.';
    {
      using sess = new tf.Session();
      void sess;
      const e = caught(() => tf.reset_default_graph());
      expect(e).toBeInstanceOf(tf.AssertionError);
      expect(e.name).toBe('AssertionError');
      expect(e.message).toBe(msg);
    }
    tf.reset_default_graph(); // fine once the block is left
    const g = new tf.Graph();
    {
      using _ = g.as_default();
      expect(() => tf.reset_default_graph()).toThrow(msg);
    }
    tf.reset_default_graph();
  });

  it('as_default makes another graph the default for the block', () => {
    const base = tf.get_default_graph();
    const g = new tf.Graph();
    let c: tf.Tensor;
    {
      using _ = g.as_default();
      expect(tf.get_default_graph()).toBe(g);
      c = tf.constant(5, { name: 'five' });
      expect(c.graph).toBe(g);
      using sess = new tf.Session();
      expect(sess.graph).toBe(g);
      expect(sess.run(c).tolist()).toBe(5);
    }
    expect(tf.get_default_graph()).toBe(base);
    expect(() => base.get_operation_by_name('five')).toThrow();
    // A session on an explicit graph.
    using s2 = new tf.Session({ graph: g });
    expect(s2.run('five:0')!.tolist()).toBe(5);
  });

  it('tensors of two graphs cannot be mixed', () => {
    const a = tf.constant(1);
    const g = new tf.Graph();
    using _ = g.as_default();
    const b = tf.constant(2);
    const e = caught(() => tf.add(a, b));
    expect(e.name).toBe('ValueError');
    expect(e.message).toContain('must be from the same graph');
  });
});
